#pragma once

#include "core/engines/engine_kind.h"
#include "core/policies/policy_catalog.h"
#include "core/store/session_store_kind.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lblab {

/// How a backend's service time is drawn.
enum class ServiceTimeModel : std::uint8_t { Constant, Exponential };

/// One backend server of the lab.
struct BackendSpec {
    std::string name;                 ///< "s1"...
    int weight = 1;                   ///< relative weight (weighted policies)
    std::string region = "eu";        ///< for the geo policy
    double serviceTimeMs = 2.0;       ///< mean time to serve one request (simulated with timers)
    ServiceTimeModel model = ServiceTimeModel::Exponential;
    int capacity = 64;                ///< requests served concurrently
    int queueLimit = 256;             ///< requests waiting beyond capacity; more get 503
    double errorRate = 0.0;           ///< probability of answering 500
    std::string externalAddress;      ///< "ADDR:PORT" of a server the lab did not start; empty = the lab starts one
};

/// What a virtual user does.
enum class ClientBehaviour : std::uint8_t {
    Anonymous, ///< GET /search?loc=REGION, needs no session
    Login,     ///< POST /login once, then GET /account (needs the session); logs in again after a 401
};

/// Where a logged-in user carries its session id.
enum class SessionCarrier : std::uint8_t { Cookie, UrlParam };

/// A group of virtual users that behave alike.
struct ClientGroupSpec {
    std::string name = "users";       ///< label shown in the UI
    int count = 50;                   ///< users in the group
    ClientBehaviour behaviour = ClientBehaviour::Anonymous;
    std::string region = "eu";        ///< a region, or "mixed" to spread users over the servers' regions
    double ipChangeMeanSeconds = 0;   ///< mobile users: mean time between address changes (0 = never)
    int natGroupSize = 1;             ///< users sharing one source address (1 = no NAT)
    SessionCarrier carrier = SessionCarrier::Cookie;
    double rateShare = 1.0;           ///< relative weight per user when the total rate is split
};

/// A scripted step of a run (scenario timelines, presets such as server-failure).
struct TimelineStep {
    /// What the step does.
    enum class Action : std::uint8_t {
        SwitchPolicy, KillBackend, RestoreBackend, AddBackend, RemoveBackend, DrainBackend,
        SetWeight, SetRate, ChangeIps, Note,
        KillStore,    ///< kills the shared session store (Redis)
        RestoreStore, ///< starts it again, empty
    };
    double atSeconds = 0;   ///< seconds since run start
    Action action = Action::Note;
    std::string target;     ///< server name or policy id
    double value = 0;       ///< weight, rate, or fraction of clients for ChangeIps
    std::string text;       ///< note text
};

/// Active health checks of the balancer.
struct HealthCheckSpec {
    double intervalSeconds = 0.5; ///< time between probes of one backend
    int rise = 2;                 ///< consecutive successes to mark up
    int fall = 2;                 ///< consecutive failures to mark down
    double timeoutSeconds = 0.5;  ///< per probe
};

/// Everything needed to run one lab: a preset or scenario, after the command line's overrides.
struct LabConfig {
    std::string preset = "round-robin-basics"; ///< preset or scenario name
    std::string title;                   ///< one-line title
    std::string whatItShows;             ///< the lesson, for the Explain panel and --list-presets
    std::string whatToWatch;             ///< what to look at while it runs
    std::vector<BackendSpec> servers;
    std::vector<ClientGroupSpec> clients;
    EngineKind engine = EngineKind::Builtin; ///< which balancer does the balancing
    SessionStoreKind sessionStore = SessionStoreKind::Local; ///< where the backends keep sessions
    std::string policy = "round-robin";  ///< policy id
    PolicyOptions policyOptions;
    double requestRate = 200;            ///< total requests per second of all users (open loop)
    double durationSeconds = 10;         ///< headless run length (0 = until stopped)
    std::uint64_t seed = 1;              ///< makes the whole workload reproducible
    std::string listenAddress = "127.0.0.1";
    std::uint16_t listenPort = 0;        ///< 0 = a free port
    int ioThreads = 1;                   ///< balancer threads
    int intervalMs = 500;                ///< aggregation interval (servers.csv rows, charts)
    HealthCheckSpec healthCheck;
    std::vector<TimelineStep> timeline;
};

} // namespace lblab
