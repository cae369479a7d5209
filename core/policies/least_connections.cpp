#include "core/policies/least_connections.h"

namespace lblab {

Decision LeastConnectionsPolicy::choose(const RequestView&, std::span<const BackendInfo> backends)
{
    Decision d;
    const std::size_t n = backends.size();
    int best = -1;
    // Scanning from the rotating start and keeping the first strict minimum breaks ties in turn.
    for (std::size_t step = 0; step < n; ++step) {
        const std::size_t i = (m_next + step) % n;
        if (!backends[i].acceptsNew())
            continue;
        if (best < 0 || backends[i].active < backends[static_cast<std::size_t>(best)].active)
            best = static_cast<int>(i);
    }
    if (best < 0)
        return d;
    m_next = (static_cast<std::size_t>(best) + 1) % n;
    d.backend = best;
    d.kind = DecisionKind::LeastConnections;
    return d;
}

} // namespace lblab
