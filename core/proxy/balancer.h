#pragma once

#include "core/record/capture.h"
#include "core/config/lab_config.h"
#include "core/policies/policy.h"
#include "core/policies/policy_catalog.h"

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lblab {

/// A backend as the balancer knows it: where it is and what policies may see of it.
struct BalancerBackend {
    BackendInfo info;                          ///< what policies see
    boost::asio::ip::tcp::endpoint endpoint;   ///< where to forward
};

/// The lab's reverse proxy: HTTP/1.1 on loopback, keep-alive on both sides, pooled upstream
/// connections, X-Forwarded-For, a live-switchable policy, active and passive health checks.
/// Every proxied request becomes one event in the Capture. Runs on its own threads.
class Balancer {
public:
    /// Limits, timeouts and the first policy.
    struct Options {
        std::string listenAddress = "127.0.0.1";
        std::uint16_t listenPort = 0;           ///< 0 = a free port
        int ioThreads = 1;                      ///< one io_context per thread
        std::string policy = "round-robin";
        PolicyOptions policyOptions;
        HealthCheckSpec healthCheck;
        double headerTimeoutSeconds = 5;        ///< a request's headers must arrive within this
        double idleTimeoutSeconds = 30;         ///< keep-alive idle limit on the client side
        double connectTimeoutSeconds = 1;       ///< upstream connect
        double upstreamTimeoutSeconds = 10;     ///< upstream write + response
        std::size_t maxConnections = 20000;     ///< client connections; more get 503 and close
        std::size_t idlePoolPerBackend = 256;   ///< idle upstream connections kept per backend and thread
        std::size_t idlePoolTotal = 1024;       ///< idle upstream connections kept in all (descriptors are finite)
        double upstreamIdleSeconds = 15;        ///< an idle upstream connection older than this is closed
        std::size_t requestBodyLimit = 1 << 20; ///< bytes
        std::size_t responseBodyLimit = 8 << 20;///< bytes
    };

    /// Prepares a balancer recording into `capture` (which must outlive it).
    Balancer(Options options, Capture& capture);
    /// Stops it.
    ~Balancer();
    Balancer(const Balancer&) = delete;
    Balancer& operator=(const Balancer&) = delete;

    /// Binds and starts the threads. Throws std::runtime_error naming the address on failure.
    void start();
    /// Closes the acceptor, cancels every session, joins the threads. Idempotent.
    void stop();
    /// Where it listens (valid after start()).
    boost::asio::ip::tcp::endpoint endpoint() const;

    /// Adds a backend; returns its index (indices are never reused).
    int addBackend(const std::string& name, const std::string& region, int weight,
                   const boost::asio::ip::tcp::endpoint& endpoint);
    /// Takes a backend out of the set for good.
    void removeBackend(int index);
    /// Drains a backend (pinned clients stay, no new ones) or undrains it.
    void setDraining(int index, bool draining);
    /// Changes a backend's weight.
    void setWeight(int index, int weight);
    /// Marks a backend down (or up) at once, as a failed (or passed) health check would.
    void markBackend(int index, bool up, const std::string& reason);

    /// Switches the policy live; returns what happened to existing pins (nullopt: unknown id).
    std::optional<PinHandover> setPolicy(const std::string& id);
    /// The policy in force.
    std::string policyId() const;
    /// True when the policy in force keeps a session table.
    bool policyStateful() const;
    /// The backends (by index).
    std::vector<BalancerBackend> backends() const;
    /// The policy's table, most recently used first, at most `limit` rows.
    std::vector<SessionEntry> table(std::size_t limit) const;
    /// Rows in the policy's table.
    std::size_t tableSize() const;
    /// For each key, the table row if the table holds it (one lock for all).
    std::vector<std::optional<SessionEntry>> lookup(const std::vector<std::string>& keys) const;
    /// Client connections open now.
    std::size_t openConnections() const;
    /// Kept-alive upstream connections waiting in the pools (closed ones are swept once a second).
    std::size_t idleUpstreamConnections() const;

private:
    class Impl;
    std::shared_ptr<Impl> m_impl;
};

} // namespace lblab
