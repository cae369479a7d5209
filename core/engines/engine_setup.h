#pragma once

// What an outside balancer (HAProxy, NGINX) is configured from: the lab's setup in plain terms,
// with no dependency on how the lab holds it. One generator per engine turns it into that engine's
// configuration file; the engine that supervises the program reads the program's log lines back.

#include "core/engines/engine_kind.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace lblab {

/// One backend as an outside balancer is told about it.
struct EngineBackend {
    std::string name;          ///< "s1": HAProxy's server name, and what the backend answers in X-Backend
    std::string region;        ///< "eu", "us", ... (geo)
    int weight = 1;            ///< 0..256; 0 takes no new clients
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;
    bool draining = false;     ///< HAProxy: state drain; NGINX: weight 0 is not allowed, so `down`
    bool down = false;         ///< killed or removed: HAProxy state maint; NGINX `down`
};

/// Health checks as the lab runs them (HAProxy `inter`/`rise`/`fall`/`timeout check`).
struct EngineHealthCheck {
    double intervalSeconds = 0.5;
    int rise = 2;
    int fall = 2;
    double timeoutSeconds = 0.5;
};

/// Everything a generator needs.
struct EngineSetup {
    std::string policy = "round-robin";      ///< a PolicyCatalog id
    std::string listenAddress = "127.0.0.1";
    std::uint16_t listenPort = 0;            ///< a real port (the engine picks a free one first)
    std::uint16_t logPort = 0;               ///< UDP port on 127.0.0.1 the lab reads log lines from
    std::uint16_t peersPort = 0;             ///< HAProxy: the local `peers` section's port (stick tables survive a reload)
    std::vector<EngineBackend> backends;     ///< in the lab's index order
    EngineHealthCheck healthCheck;
    std::filesystem::path runDir;            ///< the private folder (mode 0700) for sockets, pid and files
    // Policy parameters, as the builtin policies use them (PolicyOptions).
    std::string cookieName = "LBLAB_SRV";        ///< cookie-affinity's own cookie
    std::string sessionCookieName = "SESSIONID"; ///< the application's session cookie
    std::string urlParam = "sid";                ///< url-param-affinity's parameter
    double tableTtlSeconds = 300;                ///< stick-table expiry
    std::size_t tableCapacity = 100000;          ///< stick-table size
    double boundedLoad = 0;                      ///< consistent-hash: hash-balance-factor = 100 * this (0 = off)
    std::string hashKey = "source-ip";           ///< consistent-hash key: "source-ip", "url", "cookie:NAME", "param:NAME"
    int maxConnections = 20000;                  ///< global maxconn / worker_connections
    double clientTimeoutSeconds = 30;            ///< idle client connection
    double serverTimeoutSeconds = 10;            ///< upstream answer
    double connectTimeoutSeconds = 2;            ///< upstream connect
    int retries = 1;                             ///< like the builtin: one retry elsewhere for idempotent requests
};

/// The stats socket and master socket paths inside `runDir` (one place names them).
struct EnginePaths {
    static std::filesystem::path config(const EngineSetup& s, EngineKind k)
    {
        return s.runDir / (k == EngineKind::Nginx ? "nginx.conf" : "haproxy.cfg");
    }
    static std::filesystem::path statsSocket(const EngineSetup& s) { return s.runDir / "stats.sock"; }
    static std::filesystem::path masterSocket(const EngineSetup& s) { return s.runDir / "master.sock"; }
    static std::filesystem::path pidFile(const EngineSetup& s) { return s.runDir / "engine.pid"; }
};

/// Logs go over UDP to 127.0.0.1:logPort, not a UNIX datagram socket: Linux queues only
/// net.unix.max_dgram_qlen (10 on Debian) datagrams on one, and drops a burst beyond that.
///
/// Every log line the generated configurations emit starts with this marker, then space-separated
/// fields in this order (a field the engine has no value for is "-"):
///
///   LBLAB1 <client-ip> <status> <total-ms> <connect-retries> <backend-name> <client-id>
///          <x-session> <why> <key> <method> <uri>
///
/// - client-ip: the address the balancer saw (HAProxy %ci, NGINX $remote_addr)
/// - status: the status sent to the client (%ST, $status)
/// - total-ms: arrival to last byte, integer milliseconds for HAProxy (%Ta) and seconds with a
///   millisecond fraction for NGINX ($request_time, e.g. "0.004") — the parser accepts both forms
/// - connect-retries: HAProxy %rc (a "+" prefix means redispatched); NGINX: "-" or the count of
///   upstreams tried minus one
/// - backend-name: the answering backend's X-Backend response header (the lab's backends always
///   send it), "-" when no backend answered
/// - client-id: the X-LBLab-Client request header ("-" when absent)
/// - x-session: the backend's X-Session response header ("created", "hit", "miss", "none" or "-")
/// - why: the decision kind in the lab's words (DecisionKind's toString: "round-robin",
///   "pinned", "new-pin", "re-pinned", "hash", "geo", ...) or "-" when the engine cannot tell
/// - key: what the policy decided on (cookie value, sid, address), "-" if none
/// - method, uri: the request line's method and target (the target never contains a space)
inline constexpr const char* kEngineLogMarker = "LBLAB1";

} // namespace lblab
