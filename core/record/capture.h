#pragma once

#include "core/base/clock.h"
#include "core/lab/lab_event.h"
#include "core/record/request_accounting.h"
#include "core/request_event.h"
#include "core/lab/snapshot.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace lblab {

/// Live state of one backend read by the lab when an interval closes.
struct BackendGauge {
    std::string name;
    std::string region;
    int weight = 1;
    BackendState state = BackendState::Up;
    int active = 0;    ///< requests in flight through the balancer
    int sessions = 0;  ///< server-side sessions the backend holds
};

/// The single record of a run: every proxied request, IP changes and topology changes, lab events,
/// and per-server per-interval aggregates. Its numbers come from a RequestAccounting, fed in the
/// order things happened, which is also the order the export keeps (events.csv's seq, changes.csv's
/// after_seq) so that a replay counts the same. Thread-safe: recorders and readers may be on any
/// thread. Memory stays bounded: older events and rows spill to files and are exported from there.
class Capture {
public:
    /// Bounds and places.
    struct Options {
        std::size_t memoryEvents = 100000;        ///< events kept in memory before older ones spill
        std::filesystem::path spillDirectory;     ///< empty: the system's temp directory
        int intervalMs = 500;                     ///< aggregation interval (for rates)
        std::size_t historyIntervals = 2400;      ///< intervals kept for snapshots (all are exported)
        std::size_t logCapacity = 5000;           ///< lab events kept (older ones are counted, not kept)
        std::size_t clientCapacity = 20000;       ///< clients tracked for the map
        std::size_t storyEntries = 48;            ///< story entries kept per client (184 bytes each)
        std::size_t sortRunRows = 100000;         ///< events.csv export: rows sorted in memory at once
    };

    /// Creates an empty capture.
    explicit Capture(Options options);
    /// Deletes the spill files.
    ~Capture();
    Capture(const Capture&) = delete;
    Capture& operator=(const Capture&) = delete;

    /// Starts the clock of the run; times are microseconds since `runStart`. With a `policy`, the
    /// run's first change row says the run began under it.
    void begin(TimePoint runStart, const std::string& policy = {});
    /// The run's start.
    TimePoint runStart() const;
    /// Microseconds since the run's start.
    std::int64_t sinceStartUs(TimePoint t) const;

    /// Makes a generated user known before its first request, so the map can show it.
    void registerClient(const std::string& id, const std::string& group, Ipv4 ip);
    /// Records one proxied request (copied; in steady state without allocating).
    void record(const RequestEvent& event);
    /// Records that a user's source address changed; its next request tells whether affinity broke.
    void recordIpChange(const std::string& clientId, Ipv4 from, Ipv4 to, std::int64_t tUs);
    /// Appends to the lab's event log; a server or policy event is also a changes.csv row.
    void recordLabEvent(LabEvent event);
    /// The server set or the policy changed: each known client whose next backend differs
    /// from its last one counts once as remapped. A changes.csv row (topology-changed).
    void markTopologyChange();
    /// The lab changed (a policy switch, a server killed...): from `tUs` on, the snapshot's
    /// sinceChange counts the requests that arrived after it. `what` says what changed.
    void markChange(std::int64_t tUs, std::string what);
    /// Closes the current interval at `endUs` with the servers' live gauges (by backend index).
    void closeInterval(std::int64_t endUs, const std::vector<BackendGauge>& gauges);

    /// Whole-run counters.
    Totals totals() const;
    /// Whole-run figures per backend index.
    std::vector<BackendRunStats> backendStats() const;
    /// Events recorded so far (memory and spilled).
    std::uint64_t eventCount() const;
    /// Fills clients, history (last `historyLimit`), log (last `logLimit`), totals, sinceChange, the
    /// story of `out.story.clientId` if one is named, and for each entry already in `out.servers`
    /// its counters (requests, rps, p50/p99, errors, misses), and the recent requests.
    void fillSnapshot(Snapshot& out, std::size_t historyLimit, std::size_t logLimit) const;
    /// The story of client `clientId` (no entries if it is not tracked).
    ClientStory story(const std::string& clientId) const;
    /// The whole lab event log still kept.
    std::vector<LabEvent> labEvents() const;

    /// Writes events.csv: the header, then every event ordered by t_ms (equal times in record order),
    /// in bounded memory. Throws std::runtime_error naming events.csv on I/O failure.
    void writeEventsCsv(std::ostream& out) const;
    /// Writes servers.csv (header + one row per server per closed interval). Throws on I/O failure.
    void writeServersCsv(std::ostream& out) const;
    /// Writes changes.csv (header + one row per change, in the order they happened). Throws on I/O failure.
    void writeChangesCsv(std::ostream& out) const;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace lblab
