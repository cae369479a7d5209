#include "core/policies/power_of_two.h"

namespace lblab {

void PowerOfTwoPolicy::decide(const RequestView&, std::span<const BackendInfo> backends, Decision& d)
{
    d.reset();
    for (;;) { // at most twice: a second pass runs on a freshly rebuilt list
        const auto list = m_accepting.list(backends);
        const std::size_t n = list.size();
        if (n == 0) {
            d.reason.rule = ReasonRule::NoBackend;
            return;
        }
        d.reason.rule = ReasonRule::PowerOfTwo;
        d.reason.candidates = 0;
        if (n == 1) {
            if (!m_accepting.stillAccepts(backends, list[0]))
                continue;
            d.reason.addCandidate(list[0], backends[static_cast<std::size_t>(list[0])].active);
            d.backend = list[0];
            d.kind = DecisionKind::PowerOfTwo;
            return;
        }
        // Draw the second from the n-1 others so the two are always distinct.
        const std::size_t first = std::uniform_int_distribution<std::size_t>(0, n - 1)(m_rng);
        std::size_t second = std::uniform_int_distribution<std::size_t>(0, n - 2)(m_rng);
        if (second >= first)
            ++second;
        const int a = list[first];
        const int b = list[second];
        if (!m_accepting.stillAccepts(backends, a) || !m_accepting.stillAccepts(backends, b))
            continue;
        const int activeA = backends[static_cast<std::size_t>(a)].active;
        const int activeB = backends[static_cast<std::size_t>(b)].active;
        d.reason.addCandidate(a, activeA);
        d.reason.addCandidate(b, activeB);
        d.backend = activeB < activeA ? b : a;
        d.kind = DecisionKind::PowerOfTwo;
        return;
    }
}

} // namespace lblab
