#include "core/policies/random.h"

namespace lblab {

void RandomPolicy::decide(const RequestView&, std::span<const BackendInfo> backends, Decision& d)
{
    d.reset();
    d.backend = m_accepting.pick(backends, [this](std::span<const int> list) {
        return std::uniform_int_distribution<std::size_t>(0, list.size() - 1)(m_rng);
    });
    if (d.backend >= 0)
        d.kind = DecisionKind::Random;
}

} // namespace lblab
