#include "core/policies/weighted_round_robin.h"

#include <algorithm>

namespace lblab {
namespace {

// A cycle is stored when its length and the work to compute it stay small (about a millisecond);
// the lab's weights (1..10 over a few dozen servers) are far below both.
constexpr long long kMaxCycle = 1 << 16;
constexpr long long kMaxCycleWork = 1 << 21;

} // namespace

std::size_t WeightedRoundRobinPolicy::step()
{
    std::size_t best = 0;
    for (std::size_t j = 0; j < m_list.size(); ++j) {
        m_current[j] += m_weights[j];
        if (m_current[j] > m_current[best])
            best = j;
    }
    m_current[best] -= m_total;
    return best;
}

void WeightedRoundRobinPolicy::restart(std::span<const BackendInfo> backends)
{
    const auto list = m_accepting.list(backends);
    m_generation = m_accepting.generation();
    m_list.assign(list.begin(), list.end());
    m_weights.clear();
    m_total = 0;
    for (int i : m_list) {
        m_weights.push_back(backends[static_cast<std::size_t>(i)].weight);
        m_total += m_weights.back();
    }
    m_current.assign(m_list.size(), 0);
    m_cycle.clear();
    m_position = 0;
    const auto n = static_cast<long long>(m_list.size());
    if (n == 0 || m_total > kMaxCycle || m_total * n > kMaxCycleWork)
        return;
    m_cycle.reserve(static_cast<std::size_t>(m_total));
    for (long long k = 0; k < m_total; ++k)
        m_cycle.push_back(m_list[step()]);
    // After sum(weights) picks every score is back at zero, so the cycle repeats exactly.
    // Should that ever not hold, keep computing pick by pick from a fresh start.
    if (std::any_of(m_current.begin(), m_current.end(), [](long long c) { return c != 0; }))
        m_cycle.clear();
    std::fill(m_current.begin(), m_current.end(), 0);
}

void WeightedRoundRobinPolicy::decide(const RequestView&, std::span<const BackendInfo> backends, Decision& d)
{
    d.reset();
    for (;;) { // at most twice: a second pass runs on a freshly rebuilt list
        m_accepting.list(backends);
        if (m_accepting.generation() != m_generation)
            restart(backends);
        if (m_list.empty()) {
            d.reason.rule = ReasonRule::NoBackend;
            return;
        }
        int pick = 0;
        d.reason.slot = DecisionReason::kNoSlot;
        if (!m_cycle.empty()) {
            d.reason.slot = static_cast<std::uint32_t>(m_position);
            pick = m_cycle[m_position];
            if (++m_position == m_cycle.size())
                m_position = 0;
        } else {
            pick = m_list[step()];
        }
        if (!m_accepting.stillAccepts(backends, pick))
            continue;
        d.backend = pick;
        d.kind = DecisionKind::WeightedRoundRobin;
        d.reason.rule = ReasonRule::WeightedRotation;
        d.reason.modulus = static_cast<std::uint32_t>(std::min<long long>(m_total, 0xFFFFFFFFll));
        d.reason.listCandidates(m_list, [this](std::size_t j) { return m_weights[j]; });
        return;
    }
}

void WeightedRoundRobinPolicy::backendsChanged(std::span<const BackendInfo> backends)
{
    m_accepting.rebuild(backends);
    restart(backends);
}

} // namespace lblab
