#pragma once

#include "core/balancer_engine.h"
#include "core/policies/policy.h"

#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace lblab {

class Capture;

/// The balancer's backends and the policy that picks among them, under one lock (a pick reads
/// both). Indices are never reused: a removed backend keeps its slot, so every index the policy,
/// the capture and the lab hold stays valid. Changes that alter the topology tell the capture.
class BackendRegistry {
public:
    /// Starts with no backends and `policy`; records topology changes and lab events in `capture`.
    BackendRegistry(std::unique_ptr<Policy> policy, Capture& capture);

    /// Adds a backend; returns its index.
    int add(const std::string& name, const std::string& region, int weight,
            const boost::asio::ip::tcp::endpoint& endpoint);
    /// Takes a backend out of the set for good (a topology change).
    void remove(int index);
    /// Drains a backend (pinned clients stay, no new ones) or undrains it.
    void setDraining(int index, bool draining);
    /// Changes a backend's weight (negative counts as 0; a topology change).
    void setWeight(int index, int weight);
    /// Marks a backend down or up, logged as BackendDown/BackendUp with `reason`. Resets its health
    /// tally. Nothing happens if it is removed or already in that state.
    void mark(int index, bool up, const std::string& reason);

    /// Backends ever added (removed ones included).
    int count() const;
    /// True when the backend was removed (or the index is unknown).
    bool removed(int index) const;
    /// The backends, by index.
    std::vector<BalancerBackend> backends() const;

    // ---- the request path: one lock each ----
    /// The policy's pick into `d`, counted as in flight on its backend; `ep` and the names filled for it.
    /// `avoid` (a backend that just failed this request) is seen as down by the policy for this pick only,
    /// so a retry never lands on it again, whatever the policy's hash or rotation says.
    void choose(const RequestView& view, Decision& d, boost::asio::ip::tcp::endpoint& ep, std::string& backendName,
                std::string& policyId, int avoid = -1);
    /// A request picked by choose() is done with its backend.
    void release(int backend);
    /// Lets the policy see the backend's answer.
    void observeResponse(const RequestView& view, const Decision& decision, const ResponseView& response);
    /// The policy id in force, into `out` (keeps its capacity).
    void copyPolicyId(std::string& out) const;

    // ---- health checks ----
    /// Where to probe the backend; nullopt once it is removed.
    std::optional<boost::asio::ip::tcp::endpoint> probeTarget(int index) const;
    /// Counts one probe; returns the state to mark when `rise` successes (or `fall` failures) in a
    /// row change it, nullopt otherwise.
    std::optional<bool> countProbe(int index, bool ok, int rise, int fall);

    // ---- the policy ----
    /// Replaces the policy by `next` (id `id`), which adopts the old one's pins if it can; logs
    /// the switch and what happened to the pins.
    PinHandover replacePolicy(std::unique_ptr<Policy> next, const std::string& id);
    /// The policy in force.
    std::string policyId() const;
    /// True when the policy in force keeps a table of pins.
    bool policyStateful() const;
    /// Drops the policy's expired pins.
    void expire(TimePoint now);
    /// The policy's table, most recently used first, at most `limit` rows.
    std::vector<PinEntry> table(std::size_t limit) const;
    /// Rows in the policy's table.
    std::size_t tableSize() const;
    /// For each key, the table row if the table holds it (one lock for all).
    std::vector<std::optional<PinEntry>> lookup(const std::vector<std::string>& keys) const;

private:
    /// Consecutive probe results of one backend.
    struct HealthTally {
        int successes = 0;
        int failures = 0;
    };

    bool known(int index) const { return index >= 0 && index < static_cast<int>(m_infos.size()); }

    Capture& m_capture;
    mutable std::mutex m_mutex; // guards everything below
    std::vector<BackendInfo> m_infos; ///< what policies see, by index
    std::vector<boost::asio::ip::tcp::endpoint> m_endpoints;
    std::vector<HealthTally> m_health;
    std::unique_ptr<Policy> m_policy;
};

} // namespace lblab
