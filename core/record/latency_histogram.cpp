#include "core/record/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace lblab {

namespace {
constexpr int kSubBits = 6; // log2(kSubBuckets)
}

std::size_t LatencyHistogram::bucketOf(std::uint32_t us)
{
    if (us < kSubBuckets)
        return us;
    const int exponent = std::bit_width(us) - 1; // 6..31
    const int shift = exponent - kSubBits;
    const std::uint32_t sub = (us >> shift) - kSubBuckets; // 0..63
    return kSubBuckets + static_cast<std::size_t>(shift) * kSubBuckets + sub;
}

std::uint32_t LatencyHistogram::bucketLow(std::size_t bucket)
{
    if (bucket < kSubBuckets)
        return static_cast<std::uint32_t>(bucket);
    const std::size_t shift = (bucket - kSubBuckets) / kSubBuckets;
    const std::uint32_t sub = static_cast<std::uint32_t>((bucket - kSubBuckets) % kSubBuckets);
    return (kSubBuckets + sub) << shift;
}

std::uint32_t LatencyHistogram::bucketWidth(std::size_t bucket)
{
    if (bucket < kSubBuckets)
        return 1;
    return 1u << ((bucket - kSubBuckets) / kSubBuckets);
}

void LatencyHistogram::record(std::uint32_t us)
{
    record(us, 1);
}

void LatencyHistogram::record(std::uint32_t us, std::uint64_t count)
{
    if (count == 0)
        return;
    m_counts[bucketOf(us)] += count;
    m_count += count;
    m_sum += static_cast<std::uint64_t>(us) * count;
    m_min = std::min(m_min, us);
    m_max = std::max(m_max, us);
}

void LatencyHistogram::merge(const LatencyHistogram& other)
{
    if (other.m_count == 0)
        return;
    for (std::size_t i = 0; i < kBuckets; ++i)
        m_counts[i] += other.m_counts[i];
    m_count += other.m_count;
    m_sum += other.m_sum;
    m_min = std::min(m_min, other.m_min);
    m_max = std::max(m_max, other.m_max);
}

void LatencyHistogram::clear()
{
    *this = LatencyHistogram{};
}

double LatencyHistogram::mean() const
{
    return m_count ? static_cast<double>(m_sum) / static_cast<double>(m_count) : 0.0;
}

std::uint32_t LatencyHistogram::percentile(double q) const
{
    if (m_count == 0)
        return 0;
    q = std::clamp(q, 0.0, 1.0);
    // Nearest rank: the smallest value with at least ceil(q * n) values at or below it.
    const auto rank = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(m_count))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
        seen += m_counts[i];
        if (seen >= rank) {
            // The bucket's middle halves the worst-case error; the true extremes are known exactly.
            const std::uint64_t mid = static_cast<std::uint64_t>(bucketLow(i)) + bucketWidth(i) / 2;
            return static_cast<std::uint32_t>(
                std::clamp<std::uint64_t>(mid, m_min, m_max));
        }
    }
    return m_max;
}

} // namespace lblab
