#include "core/policies/round_robin.h"

namespace lblab {

void RoundRobinPolicy::decide(const RequestView&, std::span<const BackendInfo> backends, Decision& d)
{
    d.reset();
    d.backend = m_rotation.nextAcceptingNew(backends);
    d.kind = d.backend < 0 ? DecisionKind::NoBackend : DecisionKind::RoundRobin;
}

} // namespace lblab
