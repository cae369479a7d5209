#pragma once

#include "core/record/client_tracker.h"
#include "core/record/latency_histogram.h"
#include "core/base/ipv4.h"
#include "core/request_event.h"
#include "core/lab/snapshot.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lblab {

/// Backends the capture keeps figures for, by index (a run never comes near it; a corrupt export
/// cannot make the replay allocate without bound).
inline constexpr std::size_t kMaxRecordedBackends = 4096;

/// Whole-run figures of one server, as the summary reports them.
struct BackendRunStats {
    std::string name;
    std::uint64_t requests = 0;
    std::uint32_t p50Us = 0;
    std::uint32_t p99Us = 0;
    std::uint64_t errors = 0;        ///< 5xx
    std::uint64_t sessionMisses = 0;
};

/// Answer classes counted per server (servers.csv's hrsp_* columns, and anything else).
enum StatusClass : std::size_t { Status2xx, Status3xx, Status4xx, Status5xx, StatusOther, StatusClassCount };

/// One server's counts over a stretch of a run: the whole run, or one interval.
struct BackendCounts {
    std::string name;                ///< kept for the whole run only
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;        ///< 5xx or no answer
    std::uint64_t sessionMisses = 0;
    std::array<std::uint64_t, StatusClassCount> byStatusClass{};
    LatencyHistogram latency;
};

/// What one interval counted, lab-wide and per server.
struct IntervalCounts {
    std::uint64_t sessionRequests = 0;
    std::uint64_t sessionMisses = 0;
    std::uint64_t affinityBreaks = 0;
    std::uint64_t remaps = 0;
    std::uint64_t ipChanges = 0;
    std::vector<BackendCounts> servers; ///< by server index
};

/// The one place where a run's events become its numbers: requests, errors, per-server counts and
/// latencies, session requests and misses, IP changes, affinity breaks, re-pins, retries and remapped
/// clients. The live capture feeds it as things happen; the replay feeds it the same events read
/// back from an export, in the order the capture counted them, so both report the same summary.
/// Per-client state (affinity, remaps, the map, stories) is its ClientTracker's.
/// Not thread-safe: the capture calls it under its lock.
class RequestAccounting {
public:
    /// Bounds of the client tracking (past `clientCapacity` clients are counted, not tracked).
    struct Options {
        std::size_t clientCapacity = 20000;
        std::size_t storyEntries = ClientStoryLog::kDefaultCapacity;
    };

    /// Counts nothing yet.
    explicit RequestAccounting(Options options);

    /// Makes a generated user known before its first request.
    void registerClient(const std::string& id, const std::string& group, Ipv4 ip);
    /// Counts one proxied request; returns what it did to its client.
    ClientTracker::Outcome request(const RequestEvent& event);
    /// A user's source address changed; its next routed request tells whether affinity broke.
    void ipChange(const std::string& clientId, Ipv4 from, Ipv4 to, std::int64_t tUs);
    /// The balancer's server set, a server's state or weight, or the policy changed: each client's
    /// next server is compared with its last (remapped clients).
    void topologyChange();

    /// Makes room for servers 0..count-1 (a server that has answered nothing yet still has a line).
    void ensureBackends(std::size_t count);
    /// Names server `index` (a gauge or an export knows names before any request does).
    void nameBackend(std::size_t index, const std::string& name);
    /// Ends the open interval: returns what it counted and starts an empty one.
    IntervalCounts closeInterval();

    /// Whole-run counters (the capture's losses, which it alone knows, are left at 0).
    Totals totals() const;
    /// Whole-run figures per server index, with p50/p99 latencies.
    std::vector<BackendRunStats> backendStats() const;
    /// Whole-run counts per server index.
    const std::vector<BackendCounts>& servers() const { return m_servers; }
    /// The servers' names by index, as the requests and gauges named them.
    std::vector<std::string> backendNames() const;
    /// What the open interval has counted so far.
    const IntervalCounts& openInterval() const { return m_interval; }
    /// The clients, for the map and the stories.
    const ClientTracker& clients() const { return m_clients; }

    /// True for an answer that counts as an error: 5xx, or none at all (status 0).
    static bool isError(unsigned status) { return status >= 500 || status == 0; }
    /// The class of an HTTP status.
    static StatusClass classOf(unsigned status);

private:
    Totals m_totals;
    std::vector<BackendCounts> m_servers;
    IntervalCounts m_interval;
    ClientTracker m_clients;
};

} // namespace lblab
