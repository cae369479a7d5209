#include "core/policies/round_robin.h"

namespace lblab {

void RoundRobinPolicy::decide(const RequestView&, std::span<const BackendInfo> backends, Decision& d)
{
    d.reset();
    const std::size_t turn = backends.empty() ? 0 : m_rotation.position() % backends.size();
    d.backend = m_rotation.nextAcceptingNew(backends);
    d.kind = d.backend < 0 ? DecisionKind::NoBackend : DecisionKind::RoundRobin;
    d.reason.rule = d.backend < 0 ? ReasonRule::NoBackend : ReasonRule::Rotation;
    d.reason.slot = static_cast<std::uint32_t>(turn);
    d.reason.modulus = static_cast<std::uint32_t>(backends.size());
}

} // namespace lblab
