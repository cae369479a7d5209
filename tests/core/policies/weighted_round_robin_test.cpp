#include "core/policies/weighted_round_robin.h"
#include "core/policies/policy_test_util.h"

#include <gtest/gtest.h>

using namespace lblab;
using namespace lblab::test;

namespace {

std::vector<int> run(WeightedRoundRobinPolicy& p, const std::vector<BackendInfo>& b, int n)
{
    std::vector<int> picks;
    for (int i = 0; i < n; ++i) {
        Decision d = p.choose(makeRequest(clientIp(0)), b);
        EXPECT_EQ(d.kind, DecisionKind::WeightedRoundRobin);
        picks.push_back(d.backend);
    }
    return picks;
}

int longestRun(const std::vector<int>& picks, int backend)
{
    int best = 0, cur = 0;
    for (int s : picks) {
        cur = s == backend ? cur + 1 : 0;
        best = std::max(best, cur);
    }
    return best;
}

} // namespace

TEST(WeightedRoundRobin, SharesMatchWeightsExactly)
{
    WeightedRoundRobinPolicy p;
    auto b = makeBackends(3);
    b[0].weight = 5;
    b[1].weight = 3;
    b[2].weight = 1;
    std::vector<int> counts(3);
    for (int s : run(p, b, 900))
        ++counts[static_cast<std::size_t>(s)];
    EXPECT_EQ(counts, (std::vector<int>{500, 300, 100}));
}

TEST(WeightedRoundRobin, SmoothLikeNginx)
{
    WeightedRoundRobinPolicy p;
    auto b = makeBackends(3);
    b[0].weight = 5;
    // NGINX's documented sequence for {a:5, b:1, c:1} is a a b a c a a.
    auto picks = run(p, b, 7);
    EXPECT_EQ(picks, (std::vector<int>{0, 0, 1, 0, 2, 0, 0}));
    // Within one cycle the heavy server never runs three in a row (a plain weighted list gives five).
    EXPECT_EQ(longestRun(picks, 0), 2);
}

TEST(WeightedRoundRobin, ZeroWeightAndDownTakeNothing)
{
    WeightedRoundRobinPolicy p;
    auto b = makeBackends(3);
    b[0].weight = 2;
    b[1].weight = 0;
    b[2].up = false;
    for (int s : run(p, b, 10))
        EXPECT_EQ(s, 0);
}

TEST(WeightedRoundRobin, AdaptsWhenWeightsChange)
{
    WeightedRoundRobinPolicy p;
    auto b = makeBackends(2);
    run(p, b, 5);
    b[1].weight = 3;
    p.backendsChanged(b);
    std::vector<int> counts(2);
    for (int s : run(p, b, 400))
        ++counts[static_cast<std::size_t>(s)];
    EXPECT_EQ(counts, (std::vector<int>{100, 300}));
}

TEST(WeightedRoundRobin, NoBackendWhenAllDown)
{
    WeightedRoundRobinPolicy p;
    auto b = makeBackends(2);
    b[0].up = false;
    b[1].draining = true;
    Decision d = p.choose(makeRequest(clientIp(0)), b);
    EXPECT_EQ(d.backend, -1);
    EXPECT_EQ(d.kind, DecisionKind::NoBackend);
}
