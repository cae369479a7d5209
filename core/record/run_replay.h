#pragma once

#include "core/lab/run_summary.h"
#include "core/lab/snapshot.h"
#include "core/record/request_accounting.h"
#include "core/record/run_change.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

namespace lblab {

/// An exported run (events.csv, servers.csv, changes.csv, run.json) read back so it can be scrubbed:
/// at(t) rebuilds the Snapshot the panels would have drawn at time t, and summary() the summary the
/// run printed. The requests and changes are fed to a RequestAccounting in the order the live
/// capture counted them (events.csv's seq, changes.csv's after_seq), so the counts are the live ones.
class RunReplay {
public:
    /// Reads a run folder. Throws std::runtime_error naming the file and the problem when a required
    /// file or column is missing or a value cannot be read; a missing optional column or file becomes a note.
    static RunReplay load(const std::filesystem::path& dir);

    /// The lab as it was at `tUs` (microseconds since run start), clamped to [0, durationUs()].
    Snapshot at(std::int64_t tUs) const;
    /// The run's summary, counted again from the files: the same fields the live run printed.
    /// What the files do not hold (the duration, the session table's size, the capture's losses)
    /// comes from run.json's summary.
    RunSummary summary() const;

    /// Length of the run: the latest time any file mentions (or the summary's duration, if later).
    std::int64_t durationUs() const { return m_durationUs; }
    /// Human-readable notes about what the files lacked and how the replay copes.
    const std::vector<std::string>& notes() const { return m_notes; }
    /// The folder it was read from.
    const std::filesystem::path& directory() const { return m_dir; }
    /// Server names, by backend index.
    const std::vector<std::string>& backendNames() const { return m_backendNames; }
    /// Number of request events.
    std::size_t eventCount() const { return m_events.size(); }

    /// One events.csv row, parsed.
    struct Event {
        std::int64_t tUs = 0;          ///< arrival
        std::int64_t countedUs = 0;    ///< when the capture counted it: its answer (arrival for older exports)
        std::uint64_t seq = 0;         ///< order of counting (the row order for older exports)
        int client = -1;               ///< index into the client list
        Ipv4 ip = 0;
        std::string sessionKey;
        DecisionKind decision = DecisionKind::NoBackend;
        int backend = -1;
        unsigned status = 0;
        std::uint32_t latencyUs = 0;
        SessionOutcome session = SessionOutcome::None;
        int policy = -1;               ///< index into the policy names (-1: not recorded)
        std::string why;               ///< the why column ("" in older exports)
    };

    /// One servers.csv row, parsed (cumulative columns kept as they are).
    struct BackendRow {
        bool present = false;          ///< the interval had a row for this server
        BackendState state = BackendState::Up;
        int weight = 1;
        int scur = 0;
        std::uint64_t stot = 0;
        double rate = 0;
        std::uint64_t reqInterval = 0;
        std::uint64_t hrsp[4] = {0, 0, 0, 0}; ///< 2xx..5xx since run start
        std::uint32_t p50Us = 0;
        std::uint32_t p99Us = 0;
        int sessions = 0;
        std::uint64_t sessionMisses = 0;
    };

    /// All servers.csv rows of one interval end.
    struct Interval {
        std::int64_t endUs = 0;
        std::vector<BackendRow> servers; ///< by backend index
    };

private:
    struct Client {
        std::string id;
        std::string group;
        bool external = false;
    };

    // Per interval, what only events.csv and changes.csv know.
    struct IntervalExtra {
        std::vector<std::uint64_t> requests; ///< by backend index
        std::uint64_t sessionRequests = 0;
        std::uint64_t sessionMisses = 0;
        std::uint64_t affinityBreaks = 0;
        std::uint64_t ipChanges = 0;
        std::uint64_t remaps = 0;
    };
    // The counts after replaying everything up to a time.
    struct Walk {
        explicit Walk(RequestAccounting::Options options) : accounting(options) {}
        RequestAccounting accounting;
        std::string policy;                ///< in force (from changes.csv)
        std::size_t nextEvent = 0;         ///< request events replayed
        std::size_t nextChange = 0;        ///< changes replayed
        std::size_t intervalsClosed = 0;   ///< intervals whose counts were taken (the full walk only)
        std::int64_t lastUs = -1;          ///< latest time of anything replayed
    };

    Walk startWalk() const;
    // Replays from where `w` stands up to `tUs`; optionally counts per interval and keeps checkpoints.
    void walk(Walk& w, std::int64_t tUs, std::vector<IntervalExtra>* extras, std::vector<Walk>* checkpoints) const;
    void replayChange(Walk& w, const RunChange& change) const;
    void replayEvent(Walk& w, const Event& event, RequestEvent& scratch) const;
    int backendIndex(const std::string& name);
    int clientIndex(const std::string& id);
    void readRunJson(const std::filesystem::path& file);
    void readEvents(const std::filesystem::path& file);
    void readServers(const std::filesystem::path& file);
    void readChanges(const std::filesystem::path& file);
    void finish();

    std::filesystem::path m_dir;
    std::string m_preset;
    std::string m_engine = "builtin";
    std::string m_sessionStore = "local";
    StoreFigures m_store;        ///< the store's figures as run.json's summary recorded them
    std::string m_policy;
    double m_requestRate = 0;
    std::int64_t m_intervalUs = 500'000;
    std::int64_t m_durationUs = 0;
    std::vector<std::string> m_backendNames;
    std::vector<std::string> m_serverRegions;
    std::vector<std::pair<std::string, std::string>> m_configBackends; ///< run.json's servers: name, region
    std::vector<std::pair<std::string, int>> m_groups; ///< configured client groups: name, count
    std::vector<Client> m_clients;
    std::vector<Event> m_events;        ///< by time
    std::vector<Interval> m_intervals;  ///< by end time
    std::vector<LabEvent> m_labEvents;  ///< by time
    std::vector<RunChange> m_changes;   ///< in the order they happened (after_seq)
    bool m_changesKnown = false;        ///< changes.csv was there
    bool m_seqKnown = false;            ///< events.csv has its seq column
    std::string m_startPolicy;          ///< the first request's policy (older exports)
    std::uint64_t m_seed = 0;
    std::size_t m_users = 0;            ///< generated users configured
    // What only run.json's summary knows.
    double m_summaryDurationS = -1;     ///< the run's real length (-1: not recorded)
    std::size_t m_tableSize = 0;
    std::uint64_t m_droppedEvents = 0;
    std::uint64_t m_droppedLabEvents = 0;
    // The end of the full walk, for summary().
    Totals m_endTotals;
    std::vector<BackendRunStats> m_endBackendStats;
    std::string m_endPolicy;
    std::vector<std::string> m_notes;
    std::vector<std::string> m_policies;        ///< policy names seen in events.csv
    std::vector<std::int64_t> m_firstSeenUs;    ///< by backend: start of its first servers.csv interval
    std::vector<IntervalExtra> m_intervalExtras; ///< by interval
    std::vector<Walk> m_checkpoints;             ///< replay state every so many rows, by time
    bool m_serverMissesKnown = false;
    bool m_reqIntervalKnown = false;
};

} // namespace lblab
