#include "core/policies/round_robin.h"

namespace lblab {

Decision RoundRobinPolicy::choose(const RequestView&, std::span<const BackendInfo> backends)
{
    Decision d;
    d.backend = m_rotation.nextAcceptingNew(backends);
    d.kind = d.backend < 0 ? DecisionKind::NoBackend : DecisionKind::RoundRobin;
    return d;
}

} // namespace lblab
