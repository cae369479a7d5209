#include "core/policies/weighted_round_robin.h"

namespace lblab {

Decision WeightedRoundRobinPolicy::choose(const RequestView&, std::span<const BackendInfo> backends)
{
    if (m_current.size() != backends.size())
        m_current.assign(backends.size(), 0);
    long long total = 0;
    int best = -1;
    for (std::size_t i = 0; i < backends.size(); ++i) {
        if (!backends[i].acceptsNew())
            continue;
        m_current[i] += backends[i].weight;
        total += backends[i].weight;
        if (best < 0 || m_current[i] > m_current[static_cast<std::size_t>(best)])
            best = static_cast<int>(i);
    }
    Decision d;
    if (best < 0)
        return d;
    m_current[static_cast<std::size_t>(best)] -= total;
    d.backend = best;
    d.kind = DecisionKind::WeightedRoundRobin;
    return d;
}

void WeightedRoundRobinPolicy::backendsChanged(std::span<const BackendInfo> backends)
{
    m_current.assign(backends.size(), 0);
}

} // namespace lblab
