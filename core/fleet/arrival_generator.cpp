#include "core/fleet/arrival_generator.h"

#include <algorithm>
#include <limits>

namespace lblab {

namespace {
// Separates the arrival stream from the other streams drawn from the same seed.
constexpr std::uint64_t kArrivalStream = 0x4152524956000001ull;
} // namespace

ArrivalGenerator::ArrivalGenerator(const std::vector<double>& weights, double rate, std::uint64_t seed)
    : m_rng(seed ^ kArrivalStream)
    , m_rate(std::max(0.0, rate))
    , m_hasWeight(std::any_of(weights.begin(), weights.end(), [](double w) { return w > 0; }))
{
    if (m_hasWeight)
        m_pick = std::discrete_distribution<std::size_t>(weights.begin(), weights.end());
}

Arrival ArrivalGenerator::next()
{
    Arrival a;
    if (!active()) {
        a.gapSeconds = std::numeric_limits<double>::infinity();
        return a;
    }
    a.gapSeconds = std::exponential_distribution<double>(m_rate)(m_rng);
    a.user = m_pick(m_rng);
    return a;
}

long ArrivalGenerator::pickUser()
{
    if (!m_hasWeight)
        return -1;
    return static_cast<long>(m_pick(m_rng));
}

void ArrivalGenerator::setRate(double perSecond)
{
    m_rate = std::max(0.0, perSecond);
}

bool ArrivalGenerator::active() const
{
    return m_rate > 0 && m_hasWeight;
}

} // namespace lblab
