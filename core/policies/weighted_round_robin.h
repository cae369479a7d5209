#pragma once

#include "core/policies/accepting_backends.h"
#include "core/policies/policy.h"

#include <cstdint>
#include <vector>

namespace lblab {

/// NGINX's smooth weighted round robin: shares follow the weights and picks are interleaved
/// (5:1:1 gives a a b a c a a, not a a a a a b c).
///
/// From a fresh start the sequence repeats after sum(weights) picks, so that cycle is computed once
/// per backend change and each decision just reads the next slot; a cycle too long to store falls
/// back to NGINX's per-pick update over the usable backends.
class WeightedRoundRobinPolicy final : public Policy {
public:
    /// The id "weighted-round-robin".
    std::string_view id() const override { return "weighted-round-robin"; }
    /// Adds each weight to its running score, picks the highest, takes the total off the winner.
    void decide(const RequestView& request, std::span<const BackendInfo> backends, Decision& d) override;
    /// Weights or the set changed: start a fresh cycle.
    void backendsChanged(std::span<const BackendInfo> backends) override;

    /// Picks stored for one cycle (0 when the cycle is computed pick by pick); for tests.
    std::size_t cycleLength() const { return m_cycle.size(); }

private:
    /// Restarts from zero scores for the current usable list, precomputing the cycle if it fits.
    void restart(std::span<const BackendInfo> backends);
    /// NGINX's step over the usable list: the winner's position in it.
    std::size_t step();

    AcceptingBackends m_accepting;
    std::uint64_t m_generation = 0;   ///< m_accepting's generation the state below belongs to
    std::vector<int> m_list;          ///< usable backend indices
    std::vector<long long> m_weights; ///< their weights
    std::vector<long long> m_current; ///< NGINX's current_weight, per usable backend
    long long m_total = 0;            ///< sum of m_weights
    std::vector<int> m_cycle;         ///< one full cycle of picks (backend indices); empty: step() per pick
    std::size_t m_position = 0;       ///< next slot of m_cycle
};

} // namespace lblab
