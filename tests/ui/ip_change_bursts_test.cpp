// Bursts of IP changes against the steady churn of phones on the move.

#include "ui/ip_change_bursts.h"

#include <gtest/gtest.h>

#include <random>

using lblab::ui::IpChangeBursts;
using Step = IpChangeBursts::Step;

namespace {

// Phones changing network independently: `perSecond` changes a second on average, from `from` to `to`.
std::vector<double> churn(double perSecond, double from, double to, unsigned seed)
{
    std::mt19937 rng(seed);
    std::exponential_distribution<double> gap(perSecond);
    std::vector<double> times;
    for (double t = from + gap(rng); t < to; t += gap(rng))
        times.push_back(t);
    return times;
}

} // namespace

TEST(IpChangeBurstsTest, FiveCloseChangesInAQuietRunAreOneBurst)
{
    IpChangeBursts bursts;
    for (int i = 0; i < 4; ++i)
        EXPECT_EQ(bursts.add(10.0 + 0.01 * i), Step::None) << i;
    EXPECT_EQ(bursts.add(10.04), Step::Started);
    EXPECT_DOUBLE_EQ(bursts.burstStartSeconds(), 10.0);
    EXPECT_EQ(bursts.burstCount(), 5);
    EXPECT_EQ(bursts.add(10.3), Step::Grew);
    EXPECT_EQ(bursts.burstCount(), 6);
    // A pause longer than half a second ends it; the next change starts afresh.
    EXPECT_EQ(bursts.add(11.0), Step::None);
}

TEST(IpChangeBurstsTest, LoneChangesNeverMakeABurst)
{
    IpChangeBursts bursts;
    for (int i = 0; i < 50; ++i)
        EXPECT_EQ(bursts.add(1.0 + 0.7 * i), Step::None) << i;
    // Four close together are not enough either.
    for (int i = 0; i < 4; ++i)
        EXPECT_EQ(bursts.add(40.0 + 0.001 * i), Step::None);
}

TEST(IpChangeBurstsTest, PhonesOnTheMoveMakeNoBurstButACommandAmongThemDoes)
{
    // 60 phones changing every 4 s on average, as in the mobile presets: 15 changes a second.
    IpChangeBursts bursts;
    int started = 0;
    for (double t : churn(15, 0, 30, 7))
        started += bursts.add(t) == Step::Started ? 1 : 0;
    EXPECT_EQ(started, 0) << "the steady churn alone must not be marked";
    EXPECT_GT(bursts.churnPerSecond(30), 7.0);

    // The teacher moves 30% of the phones at 30 s: 18 changes within a few milliseconds.
    for (int i = 0; i < 18; ++i)
        started += bursts.add(30.0 + 0.0002 * i) == Step::Started ? 1 : 0;
    for (double t : churn(15, 30.01, 60, 8))
        started += bursts.add(t) == Step::Started ? 1 : 0;
    EXPECT_EQ(started, 1);
    EXPECT_NEAR(bursts.burstStartSeconds(), 30.0, 1e-9);
    EXPECT_GE(bursts.burstCount(), 18);
    EXPECT_LE(bursts.burstCount(), 20) << "a change or two of the churn may join, no more";
}

TEST(IpChangeBurstsTest, ResetForgetsTheChurn)
{
    IpChangeBursts bursts;
    for (double t : churn(40, 0, 10, 3))
        bursts.add(t);
    EXPECT_GT(bursts.churnPerSecond(10), 20.0);
    bursts.reset(20);
    EXPECT_DOUBLE_EQ(bursts.churnPerSecond(25), 0.0);
    for (int i = 0; i < 4; ++i)
        bursts.add(25.0 + 0.01 * i);
    EXPECT_EQ(bursts.add(25.05), Step::Started);
}
