#include "core/policies/random.h"

#include "core/policies/usable_backends.h"

namespace lblab {

Decision RandomPolicy::choose(const RequestView&, std::span<const BackendInfo> backends)
{
    Decision d;
    const std::size_t n = countAcceptingNew(backends);
    if (n == 0)
        return d;
    std::uniform_int_distribution<std::size_t> pick(0, n - 1);
    d.backend = nthAcceptingNew(backends, pick(m_rng));
    d.kind = DecisionKind::Random;
    return d;
}

} // namespace lblab
