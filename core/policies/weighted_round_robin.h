#pragma once

#include "core/policies/policy.h"

#include <vector>

namespace lblab {

/// NGINX's smooth weighted round robin: shares follow the weights and picks are interleaved
/// (5:1:1 gives a a b a c a a, not a a a a a b c).
class WeightedRoundRobinPolicy final : public Policy {
public:
    /// The id "weighted-round-robin".
    std::string_view id() const override { return "weighted-round-robin"; }
    /// Adds each weight to its running score, picks the highest, takes the total off the winner.
    Decision choose(const RequestView& request, std::span<const BackendInfo> backends) override;
    /// Weights or the set changed: start a fresh cycle.
    void backendsChanged(std::span<const BackendInfo> backends) override;

private:
    std::vector<long long> m_current; ///< NGINX's current_weight, one per backend index
};

} // namespace lblab
