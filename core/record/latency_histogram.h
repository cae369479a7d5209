#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace lblab {

/// A bounded log-linear histogram of latencies in microseconds (HdrHistogram's layout, fixed size).
/// Values below 64 us are exact; above, each power of two is split into 64 buckets, so a reported
/// percentile is within 1/128 (~0.8%) of a recorded value. Mergeable; about 14 KB, never grows.
class LatencyHistogram {
public:
    /// Sub-buckets per power of two (and the exact range below it).
    static constexpr std::uint32_t kSubBuckets = 64;
    /// Buckets in all: the exact range plus 64 per power of two from 2^6 to 2^31.
    static constexpr std::size_t kBuckets = kSubBuckets + (32 - 6) * kSubBuckets;

    /// Counts one latency.
    void record(std::uint32_t us);
    /// Counts `count` latencies of the same value.
    void record(std::uint32_t us, std::uint64_t count);
    /// Adds every count of `other` (same layout, so merging is exact).
    void merge(const LatencyHistogram& other);
    /// Forgets everything.
    void clear();

    /// Latencies counted.
    std::uint64_t count() const { return m_count; }
    /// Smallest latency counted (0 when empty).
    std::uint32_t min() const { return m_count ? m_min : 0; }
    /// Largest latency counted (0 when empty).
    std::uint32_t max() const { return m_max; }
    /// Mean latency (0 when empty).
    double mean() const;
    /// The latency at quantile `q` in [0, 1] by nearest rank (0.5: p50, 0.99: p99); 0 when empty.
    std::uint32_t percentile(double q) const;

    /// Bucket of a value (exposed for tests).
    static std::size_t bucketOf(std::uint32_t us);
    /// Smallest value of a bucket.
    static std::uint32_t bucketLow(std::size_t bucket);
    /// Values a bucket spans.
    static std::uint32_t bucketWidth(std::size_t bucket);

private:
    std::array<std::uint64_t, kBuckets> m_counts{};
    std::uint64_t m_count = 0;
    std::uint64_t m_sum = 0;
    std::uint32_t m_min = UINT32_MAX;
    std::uint32_t m_max = 0;
};

} // namespace lblab
