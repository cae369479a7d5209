#pragma once

#include "core/policies/decision.h"
#include "core/base/ipv4.h"
#include "core/lab/lab_event.h"
#include "core/request_event.h"
#include "core/store/store_view.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lblab {

/// A backend's state as the balancer sees it.
enum class BackendState : std::uint8_t { Up, Down, Draining, Removed };
/// "up", "down", "draining", "removed" (HAProxy prints UP/DOWN/DRAIN/MAINT).
std::string_view toString(BackendState state);

/// One backend, now.
struct BackendView {
    std::string name;
    std::string region;
    int weight = 1;
    BackendState state = BackendState::Up;
    bool killed = false;            ///< the backend process is stopped (what the user asked), vs. detected down
    int active = 0;                 ///< requests in flight through the balancer (scur)
    std::uint64_t requests = 0;     ///< proxied to it since run start (stot)
    double rps = 0;                 ///< requests per second in the last interval
    std::uint32_t p50Us = 0;        ///< latency p50 in the last interval
    std::uint32_t p99Us = 0;        ///< latency p99 in the last interval
    int sessions = 0;               ///< server-side sessions the backend holds
    std::uint64_t errors = 0;       ///< 5xx answers since run start
    std::uint64_t sessionMisses = 0;///< session misses on this backend since run start
};

/// One client (virtual user or outside client), as of its last request: what the lab keeps of each
/// client it tracks. Its group is kept once per group and its last request's key and decision
/// inputs once, in its story; so the fields are ordered to leave no padding (a lab keeps one per user).
struct ClientState {
    std::string id;                 ///< "c17" or "ext-127.0.0.1"
    Ipv4 ip = 0;                    ///< current source address
    int backend = -1;               ///< backend of its last request (-1: none yet)
    unsigned status = 0;            ///< last HTTP status
    int movedFrom = -1;             ///< the server it was on before its last move (-1: none; see movedUs)
    std::uint64_t requests = 0;     ///< requests so far
    std::int64_t lastUs = -1;       ///< time of the last request (-1: none)
    std::int64_t ipChangedUs = -1;  ///< time of the last IP change (-1: never)
    std::int64_t missUs = -1;       ///< time of the last session miss (-1: never)
    std::int64_t pinCreatedUs = -1; ///< when its pin was made (see pinned)
    std::int64_t movedUs = -1;      ///< when a decision that places the client (hash, pin) last put it on
                                    ///< another server than before (-1: never); per-request balancing
                                    ///< (round robin, random, ...) moves everyone and is not counted
    DecisionKind decision = DecisionKind::NoBackend; ///< why
    SessionOutcome session = SessionOutcome::None;   ///< last session outcome
    bool pinned = false;            ///< the policy's table holds its key now
    bool external = false;          ///< a real outside client (curl, a browser)
};

/// One client as a snapshot shows it: its state, its group, and its last request's key and why.
struct ClientView : ClientState {
    std::string group;              ///< client group name ("outside" for real clients)
    std::string sessionKey;         ///< the key the policy used for it last
    DecisionReason reason;          ///< the inputs of its last request's decision (see whyText)
    std::string why;                ///< that reason as text, when only text was recorded (engines, replay)
};

/// One step of a client's story. Consecutive requests alike (same address, server, decision,
/// session outcome and status class) are one entry with a count; an address change is its own entry.
struct StoryEntry {
    /// What the entry records.
    enum class Kind : std::uint8_t { Requests, IpChange };
    Kind kind = Kind::Requests;
    std::int64_t firstUs = 0;       ///< first request (or the address change), since run start
    std::int64_t lastUs = 0;        ///< last request of the entry
    std::uint32_t count = 1;        ///< requests in the entry (1 for an address change)
    Ipv4 ip = 0;                    ///< source address (IpChange: the new one)
    Ipv4 fromIp = 0;                ///< IpChange: the old address
    int backend = -1;               ///< server that answered (-1: none)
    DecisionKind decision = DecisionKind::NoBackend; ///< why it went there
    SessionOutcome session = SessionOutcome::None;   ///< what it meant for its session
    unsigned status = 0;            ///< HTTP status of the last request of the entry
    std::string sessionKey;         ///< the key its last request was decided on
    DecisionReason reason;          ///< the inputs of its last request's decision (see whyText)
    std::string why;                ///< that reason as text, when only text was recorded (engines, replay)
};

/// The story of the client the user follows: every address it had, every server it went to,
/// every decision and session outcome, oldest first (bounded; the oldest entries go first).
struct ClientStory {
    std::string clientId;           ///< "" when no client is followed
    std::vector<StoryEntry> entries;
    std::uint64_t droppedEntries = 0; ///< older entries no longer kept
};

/// Counters since the last change to the lab (a policy switch, a server killed, restored, added,
/// removed, drained or reweighted, a burst of address changes the user asked for), so the status
/// bar can show what the change did rather than the whole run's average.
struct SinceChange {
    std::int64_t tUs = -1;          ///< when the last change happened (-1: none yet: the run's start)
    std::string what;               ///< what changed, e.g. "policy cookie-affinity", "s2 killed"
    std::uint64_t requests = 0;     ///< requests since then
    std::uint64_t sessionRequests = 0; ///< requests that needed a session since then
    std::uint64_t sessionMisses = 0;   ///< of those, misses
};

/// One aggregation interval of one server (a servers.csv row, without the cumulative columns).
struct BackendInterval {
    std::uint64_t requests = 0;     ///< requests completed in the interval
    int active = 0;                 ///< in flight at the interval's end
    std::uint32_t p50Us = 0;
    std::uint32_t p99Us = 0;
    std::uint64_t hrsp2xx = 0, hrsp3xx = 0, hrsp4xx = 0, hrsp5xx = 0, hrspOther = 0;
    std::uint64_t sessionMisses = 0;
    int sessions = 0;               ///< sessions held at the interval's end
    BackendState state = BackendState::Up;
    int weight = 1;
};

/// One aggregation interval of the whole lab.
struct IntervalRow {
    std::int64_t endUs = 0;                 ///< interval end, since run start
    std::int64_t lengthUs = 0;              ///< interval length
    std::vector<BackendInterval> servers;    ///< by backend index
    std::uint64_t sessionRequests = 0;      ///< requests that needed a session
    std::uint64_t sessionMisses = 0;
    std::uint64_t affinityBreaks = 0;
    std::uint64_t ipChanges = 0;
    std::uint64_t remaps = 0;
};

/// One row of the policy's session table, with times relative to run start.
struct SessionRow {
    std::string key;
    int backend = -1;
    std::int64_t createdUs = 0;
    std::int64_t lastUsedUs = 0;
    std::uint64_t hits = 0;
    std::int64_t expiresUs = -1;    ///< -1: no expiry
};

/// Whole-run counters.
struct Totals {
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;           ///< 5xx (balancer or backend) and failed proxying
    std::uint64_t sessionRequests = 0;  ///< requests that needed a session
    std::uint64_t sessionMisses = 0;   ///< misses, and requests the shared store could not answer
    std::uint64_t invalidSessions = 0; ///< signed session cookies refused (tampered, expired, malformed)
    std::uint64_t ipChanges = 0;
    std::uint64_t affinityBreaks = 0;   ///< clients moved to another backend after an IP change
    std::uint64_t repins = 0;           ///< pins moved because their backend was unusable
    std::uint64_t remappedClients = 0;  ///< clients moved by a server-set or policy change
    std::uint64_t retries = 0;          ///< requests retried on another backend
    std::uint64_t droppedEvents = 0;    ///< events lost because spilling to disk failed and memory was full
    std::uint64_t droppedLabEvents = 0; ///< lab log entries no longer kept (the log is bounded)
    std::uint64_t untrackedClients = 0; ///< clients beyond the capture's client capacity (counted, not shown)
};

/// Run state of the lab.
enum class RunState : std::uint8_t { Idle, Running, Paused, Stopped };

/// Everything the UI draws, as values. The core publishes one about 30 times a second.
struct Snapshot {
    std::uint64_t sequence = 0;         ///< increases with every publication
    std::int64_t tUs = 0;               ///< since run start
    RunState state = RunState::Idle;
    std::string preset;
    std::string policy;                 ///< policy id in force
    bool policyStateful = false;
    std::string balancerUrl;            ///< e.g. "http://127.0.0.1:40123/"
    double requestRate = 0;             ///< configured total rate
    std::vector<BackendView> servers;    ///< by backend index
    std::vector<ClientView> clients;    ///< generated users first, then outside clients
    std::vector<IntervalRow> history;   ///< recent intervals, oldest first (bounded)
    std::vector<SessionRow> table;      ///< the policy's table, most recently used first (bounded)
    std::size_t tableSize = 0;          ///< rows in the full table
    std::vector<LabEvent> log;          ///< recent lab events, oldest first (bounded)
    Totals totals;
    SinceChange sinceChange;            ///< counters since the last change to the lab
    ClientStory story;                  ///< the followed client's story (see Lab::followClient)
    StoreView store;                    ///< where sessions live, and what the store costs
    /// The newest requests recorded in the last second, oldest first, at most
    /// Snapshot::kRecentRequests (the flow view draws them; it samples when more happened).
    std::vector<RequestEvent> recentRequests;
    /// Requests recorded so far: recentRequests.back() is request number recentRequestsEnd. The
    /// difference between two snapshots is how many requests happened between them.
    std::uint64_t recentRequestsEnd = 0;
    double speed = 1;                   ///< slow motion: generated arrivals at this share of the rate (0.1..1)
    bool stepping = false;              ///< step mode: generated requests go one per step
    std::uint64_t steps = 0;            ///< steps taken in this run
    std::string stepClient;             ///< the user whose request the last step released ("" none)
    std::int64_t stepUs = -1;           ///< when the last step was taken (-1: never)

    /// Bound of recentRequests.
    static constexpr std::size_t kRecentRequests = 200;
};

} // namespace lblab
