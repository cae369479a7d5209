#pragma once

// The balancer seam: what the lab needs from a load balancer, whoever implements it.

#include "core/engines/generated_config.h"
#include "core/policies/policy.h"

#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lblab {

class Capture;
struct LabConfig;

/// A backend as the balancer knows it: where it is and what policies may see of it.
struct BalancerBackend {
    BackendInfo info;                          ///< what policies see
    boost::asio::ip::tcp::endpoint endpoint;   ///< where to forward
};

/// The narrow interface `Lab` drives a load balancer through. Today's implementation is the
/// builtin proxy (`Balancer`, core/proxy); the others are a real HAProxy or NGINX that the lab
/// configures and supervises (OutsideEngine, core/engines). What a second implementation must provide:
/// - **Traffic.** After start() it accepts HTTP/1.1 on endpoint() and forwards to the backends,
///   adding X-Forwarded-For and passing X-LBLab-Client through. Every request it answers (or
///   refuses) reaches the Capture it was made with as one RequestEvent (Capture::record), whoever
///   produced it: this interface has no event call on purpose. The builtin records each event
///   before the answer leaves, so a client never sees an answer the capture lacks; a supervised
///   proxy turns each of its log lines into a RequestEvent as soon as the line arrives.
/// - **Lab events.** Backends marked up or down (a health check or a failed connection), and policy
///   switches, are recorded in the Capture as LabEvents (BackendUp/BackendDown, PolicySwitched) with
///   a topology change, as the builtin does; the lab logs its own commands.
/// - **Backends by index.** addBackend() returns an index that is never reused; every other call
///   names a backend by it; a removed backend keeps its index. backends() lists them all by index
///   with the state policies see (up, draining, removed, weight, requests in flight).
/// - **Policies by id** (PolicyCatalog's ids), switchable live; pins (the table of a stateful
///   policy) readable while running. An engine without a readable table returns empty answers.
/// Calls come from the lab's control thread (and from the caller's thread for the getters); an
/// implementation guards its own state. None of them is on the per-request path.
class BalancerEngine {
public:
    virtual ~BalancerEngine() = default;

    /// Binds the address it was made with and starts serving. Throws std::runtime_error with a
    /// one-line reason naming the address on failure.
    virtual void start() = 0;
    /// Stops serving and closes every connection. Idempotent.
    virtual void stop() = 0;
    /// Where it listens (valid after start()).
    virtual boost::asio::ip::tcp::endpoint endpoint() const = 0;

    /// Adds a backend (before or after start()); returns its index (indices are never reused).
    virtual int addBackend(const std::string& name, const std::string& region, int weight,
                           const boost::asio::ip::tcp::endpoint& endpoint) = 0;
    /// Takes a backend out of the set for good.
    virtual void removeBackend(int index) = 0;
    /// Drains a backend (pinned clients stay, no new ones) or undrains it.
    virtual void setDraining(int index, bool draining) = 0;
    /// Changes a backend's weight (negative counts as 0).
    virtual void setWeight(int index, int weight) = 0;
    /// Marks a backend down (or up) at once, as a failed (or passed) health check would.
    virtual void markBackend(int index, bool up, const std::string& reason) = 0;

    /// Switches the policy live; returns what happened to existing pins (nullopt: unknown id).
    virtual std::optional<PinHandover> setPolicy(const std::string& id) = 0;
    /// The policy in force.
    virtual std::string policyId() const = 0;
    /// True when the policy in force keeps a table of pins.
    virtual bool policyStateful() const = 0;

    /// The backends, by index.
    virtual std::vector<BalancerBackend> backends() const = 0;
    /// Client connections open now.
    virtual std::size_t openConnections() const = 0;
    /// Kept-alive upstream connections waiting for a request.
    virtual std::size_t idleUpstreamConnections() const = 0;

    /// The policy's table, most recently used first, at most `limit` rows.
    virtual std::vector<PinEntry> table(std::size_t limit) const = 0;
    /// Rows in the policy's table.
    virtual std::size_t tableSize() const = 0;
    /// For each key, the table row if the table holds it (one consistent look for all).
    virtual std::vector<std::optional<PinEntry>> lookup(const std::vector<std::string>& keys) const = 0;

    /// The configuration file the outside program runs now (empty text for the builtin proxy, which
    /// has none).
    virtual GeneratedConfig configuration() const { return {}; }
};

/// Makes the engine for a run of `config`, recording into `capture` (which outlives it).
using BalancerEngineFactory = std::function<std::unique_ptr<BalancerEngine>(const LabConfig&, Capture&)>;

} // namespace lblab
