#include "ui/ip_change_bursts.h"

#include <algorithm>
#include <cmath>

namespace lblab::ui {

namespace {

std::int64_t slotOf(double seconds, double slotSeconds)
{
    return static_cast<std::int64_t>(std::floor(std::max(0.0, seconds) / slotSeconds));
}

} // namespace

void IpChangeBursts::reset(double knownFromSeconds)
{
    *this = IpChangeBursts(knownFromSeconds);
}

double IpChangeBursts::churnPerSecond(double seconds) const
{
    const std::int64_t now = slotOf(seconds, kSlotSeconds);
    const std::int64_t first = std::max(now - (kSlots - 1), slotOf(m_knownFrom, kSlotSeconds));
    if (!m_anySlot || first > now)
        return 0;
    std::array<int, kSlots> counts{};
    int n = 0;
    for (std::int64_t slot = first; slot <= now; ++slot) {
        const auto i = static_cast<std::size_t>(slot % kSlots);
        counts[static_cast<std::size_t>(n++)] = m_slotIndex[i] == slot ? m_slotCount[i] : 0;
    }
    // A burst fills a slot or two; two estimates that such a slot barely moves:
    // - the mean of the slots without the busiest fifth (one at least): right for a dense churn,
    //   too low for a sparse one (most slots are empty, the fifth left out held all of it);
    // - from the share of slots with any change, -ln(1 - share) changes per slot: right for a sparse
    //   churn (independent changes), blind once nearly every slot has one.
    int occupied = 0;
    for (int i = 0; i < n; ++i)
        occupied += counts[static_cast<std::size_t>(i)] > 0 ? 1 : 0;
    std::sort(counts.begin(), counts.begin() + n);
    const int kept = n - std::max(1, n / 5);
    if (kept <= 0)
        return 0;
    double sum = 0;
    for (int i = 0; i < kept; ++i)
        sum += counts[static_cast<std::size_t>(i)];
    const double share = std::min(static_cast<double>(occupied - 1), static_cast<double>(n - 1)) / n;
    const double sparse = share > 0 ? -std::log(1.0 - share) : 0.0;
    return std::max(sum / kept, sparse) / kSlotSeconds;
}

void IpChangeBursts::count(double seconds)
{
    const std::int64_t slot = slotOf(seconds, kSlotSeconds);
    const auto i = static_cast<std::size_t>(slot % kSlots);
    if (!m_anySlot) {
        m_slotIndex.fill(-1);
        m_anySlot = true;
    }
    if (m_slotIndex[i] != slot) {
        m_slotIndex[i] = slot;
        m_slotCount[i] = 0;
    }
    ++m_slotCount[i];
}

void IpChangeBursts::setBar(double rate)
{
    m_chainGap = rate > 0 ? std::min(kWindowSeconds, kGapShare / rate) : kWindowSeconds;
    // A churn of `rate` makes a chain of n close changes about rate * t * p^(n - 1) times in t seconds
    // (p: the chance that the next change comes within the gap); n is chosen so that this stays
    // under one in 100 minutes.
    const double p = 1.0 - std::exp(-rate * m_chainGap);
    const double changes = rate * 6000.0;
    int n = kMinBurst;
    if (p > 0 && changes > 1)
        n = std::max(n, 1 + static_cast<int>(std::ceil(std::log(changes) / -std::log(p))));
    m_chainThreshold = n;
}

IpChangeBursts::Step IpChangeBursts::add(double seconds)
{
    seconds = std::max(0.0, seconds);
    // Changes are logged from several threads: one can land a few microseconds out of order.
    if (m_chainLast >= 0 && seconds < m_chainLast)
        seconds = m_chainLast;
    if (m_inBurst) {
        // A burst keeps the bar it was found with: its own changes must not raise it.
        if (seconds - m_chainLast <= m_chainGap) {
            m_chainLast = seconds;
            m_burstCount = ++m_chainCount;
            count(seconds);
            return Step::Grew;
        }
        m_inBurst = false;
        m_chainLast = -1;
    }
    // Until it is a burst, a chain is measured against the churn as known now: at the start of a
    // run the first changes of a steady churn look close together until the churn is measured.
    setBar(churnPerSecond(seconds));
    if (m_chainLast >= 0 && seconds - m_chainLast <= m_chainGap) {
        m_chainLast = seconds;
        ++m_chainCount;
    } else {
        m_chainStart = seconds;
        m_chainLast = seconds;
        m_chainCount = 1;
    }
    count(seconds);
    if (m_chainCount >= m_chainThreshold && seconds >= m_knownFrom + kLearnSeconds) {
        m_inBurst = true;
        m_burstStart = m_chainStart;
        m_burstCount = m_chainCount;
        return Step::Started;
    }
    return Step::None;
}

} // namespace lblab::ui
