#pragma once

#include "core/balancer_engine.h"
#include "core/proxy/balancer_options.h"

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lblab {

class Capture;

/// The lab's builtin reverse proxy, the engine behind BalancerEngine: HTTP/1.1 on loopback,
/// keep-alive on both sides, pooled upstream connections, X-Forwarded-For, a live-switchable
/// policy, active and passive health checks. Every proxied request becomes one event in the
/// Capture. Runs on its own threads. It owns its parts and routes each call to the one that does
/// the work: BackendRegistry (backends and policy), HealthChecker, one ProxyWorker per thread
/// (io_context and UpstreamPool) whose ClientConnections serve the clients, RequestRecorder.
class Balancer : public BalancerEngine {
public:
    /// Limits, timeouts and the first policy.
    using Options = BalancerOptions;

    /// Prepares a balancer recording into `capture` (which must outlive it). Throws
    /// std::runtime_error for an unknown policy.
    Balancer(Options options, Capture& capture);
    /// Stops it.
    ~Balancer() override;
    Balancer(const Balancer&) = delete;
    Balancer& operator=(const Balancer&) = delete;

    /// Binds and starts the threads. Throws std::runtime_error naming the address on failure.
    void start() override;
    /// Closes the acceptor, cancels every connection, joins the threads. Idempotent.
    void stop() override;
    /// Where it listens (valid after start()).
    boost::asio::ip::tcp::endpoint endpoint() const override;

    /// Adds a backend; returns its index (indices are never reused).
    int addBackend(const std::string& name, const std::string& region, int weight,
                   const boost::asio::ip::tcp::endpoint& endpoint) override;
    /// Takes a backend out of the set for good.
    void removeBackend(int index) override;
    /// Drains a backend (pinned clients stay, no new ones) or undrains it.
    void setDraining(int index, bool draining) override;
    /// Changes a backend's weight.
    void setWeight(int index, int weight) override;
    /// Marks a backend down (or up) at once, as a failed (or passed) health check would.
    void markBackend(int index, bool up, const std::string& reason) override;

    /// Switches the policy live; returns what happened to existing pins (nullopt: unknown id).
    std::optional<PinHandover> setPolicy(const std::string& id) override;
    /// The policy in force.
    std::string policyId() const override;
    /// True when the policy in force keeps a session table.
    bool policyStateful() const override;
    /// The backends (by index).
    std::vector<BalancerBackend> backends() const override;
    /// The policy's table, most recently used first, at most `limit` rows.
    std::vector<PinEntry> table(std::size_t limit) const override;
    /// Rows in the policy's table.
    std::size_t tableSize() const override;
    /// For each key, the table row if the table holds it (one lock for all).
    std::vector<std::optional<PinEntry>> lookup(const std::vector<std::string>& keys) const override;
    /// Client connections open now.
    std::size_t openConnections() const override;
    /// Kept-alive upstream connections waiting in the pools (closed ones are swept once a second).
    std::size_t idleUpstreamConnections() const override;

    /// Request states (a connection's buffers, parsed request, event) over all threads.
    struct ExchangeStates {
        std::size_t inUse = 0; ///< lent to connections reading or serving a request
        std::size_t kept = 0;  ///< pooled for the next requests (bounded by recent concurrency)
    };
    /// How many request states exist now: an idle keep-alive connection holds none.
    ExchangeStates exchangeStates() const;

private:
    class Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace lblab
