#include "core/policies/random.h"

namespace lblab {

void RandomPolicy::decide(const RequestView&, std::span<const BackendInfo> backends, Decision& d)
{
    d.reset();
    d.backend = m_accepting.pick(backends, [this, &d](std::span<const int> list) {
        const std::size_t draw = std::uniform_int_distribution<std::size_t>(0, list.size() - 1)(m_rng);
        d.reason.slot = static_cast<std::uint32_t>(draw);
        d.reason.modulus = static_cast<std::uint32_t>(list.size());
        return draw;
    });
    d.reason.rule = d.backend >= 0 ? ReasonRule::RandomDraw : ReasonRule::NoBackend;
    if (d.backend >= 0)
        d.kind = DecisionKind::Random;
}

} // namespace lblab
