#include "core/policies/power_of_two.h"

#include "core/policies/usable_backends.h"

namespace lblab {

Decision PowerOfTwoPolicy::choose(const RequestView&, std::span<const BackendInfo> backends)
{
    Decision d;
    const std::size_t n = countAcceptingNew(backends);
    if (n == 0)
        return d;
    d.kind = DecisionKind::PowerOfTwo;
    if (n == 1) {
        d.backend = nthAcceptingNew(backends, 0);
        return d;
    }
    // Draw the second from the n-1 others so the two are always distinct.
    const std::size_t first = std::uniform_int_distribution<std::size_t>(0, n - 1)(m_rng);
    std::size_t second = std::uniform_int_distribution<std::size_t>(0, n - 2)(m_rng);
    if (second >= first)
        ++second;
    const int a = nthAcceptingNew(backends, first);
    const int b = nthAcceptingNew(backends, second);
    d.backend = backends[static_cast<std::size_t>(b)].active < backends[static_cast<std::size_t>(a)].active ? b : a;
    return d;
}

} // namespace lblab
