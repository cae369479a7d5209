#include "core/record/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using lblab::LatencyHistogram;

namespace {

std::uint32_t exactPercentile(std::vector<std::uint32_t> values, double q)
{
    std::sort(values.begin(), values.end());
    const auto rank = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(q * values.size())));
    return values[rank - 1];
}

void expectWithin(std::uint32_t got, std::uint32_t want, double relative)
{
    EXPECT_LE(std::abs(static_cast<double>(got) - want), relative * want + 0.5)
        << "got " << got << " want " << want;
}

} // namespace

TEST(LatencyHistogramTest, EmptyIsZero)
{
    LatencyHistogram h;
    EXPECT_EQ(h.count(), 0u);
    EXPECT_EQ(h.percentile(0.5), 0u);
    EXPECT_EQ(h.percentile(0.99), 0u);
    EXPECT_EQ(h.min(), 0u);
    EXPECT_EQ(h.max(), 0u);
    EXPECT_EQ(h.mean(), 0.0);
}

TEST(LatencyHistogramTest, SmallValuesAreExact)
{
    LatencyHistogram h;
    for (std::uint32_t v = 1; v <= 50; ++v)
        h.record(v);
    EXPECT_EQ(h.percentile(0.5), 25u);
    EXPECT_EQ(h.percentile(1.0), 50u);
    EXPECT_EQ(h.percentile(0.0), 1u);
    EXPECT_DOUBLE_EQ(h.mean(), 25.5);
}

TEST(LatencyHistogramTest, BucketsCoverEveryValueInOrder)
{
    // Every bucket's low is above the previous one, and extreme values land in range.
    for (std::size_t b = 1; b < LatencyHistogram::kBuckets; ++b)
        ASSERT_EQ(LatencyHistogram::bucketLow(b),
                  LatencyHistogram::bucketLow(b - 1) + LatencyHistogram::bucketWidth(b - 1))
            << b;
    EXPECT_EQ(LatencyHistogram::bucketOf(0), 0u);
    EXPECT_EQ(LatencyHistogram::bucketOf(UINT32_MAX), LatencyHistogram::kBuckets - 1);
    for (std::uint32_t v : {63u, 64u, 65u, 127u, 128u, 1000u, 123456u, 4000000000u}) {
        const auto b = LatencyHistogram::bucketOf(v);
        EXPECT_LE(LatencyHistogram::bucketLow(b), v);
        EXPECT_GT(static_cast<std::uint64_t>(LatencyHistogram::bucketLow(b)) +
                      LatencyHistogram::bucketWidth(b),
                  v);
    }
}

TEST(LatencyHistogramTest, PercentilesWithinTwoPercentOfSortedVector)
{
    std::mt19937 rng(42);
    // Log-normal-ish latencies from tens of microseconds to seconds, like a real backend.
    std::lognormal_distribution<double> dist(7.0, 1.5);
    std::vector<std::uint32_t> values;
    LatencyHistogram h;
    for (int i = 0; i < 200000; ++i) {
        const auto v = static_cast<std::uint32_t>(std::min(dist(rng), 4.0e9));
        values.push_back(v);
        h.record(v);
    }
    for (double q : {0.01, 0.1, 0.5, 0.9, 0.99, 0.999})
        expectWithin(h.percentile(q), exactPercentile(values, q), 0.02);
    EXPECT_EQ(h.max(), *std::max_element(values.begin(), values.end()));
    EXPECT_EQ(h.count(), values.size());
}

TEST(LatencyHistogramTest, MergeEqualsRecordingEverything)
{
    std::mt19937 rng(7);
    std::uniform_int_distribution<std::uint32_t> dist(1, 2000000);
    LatencyHistogram a, b, all;
    std::vector<std::uint32_t> values;
    for (int i = 0; i < 50000; ++i) {
        const auto v = dist(rng);
        (i % 3 ? a : b).record(v);
        all.record(v);
        values.push_back(v);
    }
    a.merge(b);
    EXPECT_EQ(a.count(), all.count());
    for (double q : {0.5, 0.9, 0.99}) {
        EXPECT_EQ(a.percentile(q), all.percentile(q));
        expectWithin(a.percentile(q), exactPercentile(values, q), 0.02);
    }
    EXPECT_EQ(a.min(), all.min());
    EXPECT_EQ(a.max(), all.max());
    a.clear();
    EXPECT_EQ(a.count(), 0u);
    EXPECT_EQ(a.percentile(0.5), 0u);
}

TEST(LatencyHistogramTest, SingleValueIsReportedExactly)
{
    LatencyHistogram h;
    h.record(123457, 10);
    EXPECT_EQ(h.percentile(0.5), 123457u);
    EXPECT_EQ(h.percentile(0.99), 123457u);
}

TEST(LatencyHistogramTest, MemoryIsFixed)
{
    EXPECT_LT(sizeof(LatencyHistogram), 16u * 1024u);
}
