#include "core/policies/power_of_two.h"
#include "core/policies/random.h"
#include "core/policies/policy_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace lblab;
using namespace lblab::test;

namespace {

// Balls into bins: every ball stays "active", so the final active counts are the bin loads.
int maxLoad(Policy& p, int bins, int balls)
{
    auto b = makeBackends(bins);
    for (int i = 0; i < balls; ++i) {
        Decision d = p.choose(makeRequest(clientIp(0)), b);
        ++b[static_cast<std::size_t>(d.backend)].active;
    }
    int max = 0;
    for (const auto& x : b)
        max = std::max(max, x.active);
    return max;
}

} // namespace

TEST(PowerOfTwo, MaximumLoadBeatsRandom)
{
    PowerOfTwoPolicy two(3);
    RandomPolicy random(3);
    const int twoMax = maxLoad(two, 10, 10000);
    const int randomMax = maxLoad(random, 10, 10000);
    // Random's maximum sits a few standard deviations (~30) above 1000; two choices stays at the mean.
    EXPECT_LE(twoMax, 1002);
    EXPECT_GT(randomMax, 1020);
    EXPECT_LT(twoMax, randomMax);
}

TEST(PowerOfTwo, PicksTwoDistinctAndKeepsTheLessBusy)
{
    PowerOfTwoPolicy p(5);
    auto b = makeBackends(2);
    b[0].active = 9;
    // With two usable servers both are always drawn, so the idle one always wins.
    for (int i = 0; i < 100; ++i) {
        Decision d = p.choose(makeRequest(clientIp(0)), b);
        EXPECT_EQ(d.backend, 1);
        EXPECT_EQ(d.kind, DecisionKind::PowerOfTwo);
    }
}

TEST(PowerOfTwo, NeverPicksTheBusiestOfThree)
{
    PowerOfTwoPolicy p(9);
    auto b = makeBackends(3);
    b[0].active = 1;
    b[1].active = 2;
    b[2].active = 3;
    for (int i = 0; i < 200; ++i)
        EXPECT_NE(p.choose(makeRequest(clientIp(0)), b).backend, 2);
}

TEST(PowerOfTwo, SingleUsableAndNone)
{
    PowerOfTwoPolicy p(1);
    auto b = makeBackends(3);
    b[0].up = false;
    b[2].draining = true;
    EXPECT_EQ(p.choose(makeRequest(clientIp(0)), b).backend, 1);
    b[1].up = false;
    Decision d = p.choose(makeRequest(clientIp(0)), b);
    EXPECT_EQ(d.backend, -1);
    EXPECT_EQ(d.kind, DecisionKind::NoBackend);
}
