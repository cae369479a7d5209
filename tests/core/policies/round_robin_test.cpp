#include "core/policies/round_robin.h"
#include "core/policies/policy_test_util.h"

#include <gtest/gtest.h>

using namespace lblab;
using namespace lblab::test;

TEST(RoundRobin, RotatesExactlyInOrder)
{
    RoundRobinPolicy p;
    auto b = makeBackends(3);
    std::vector<int> picks;
    for (int i = 0; i < 9; ++i) {
        Decision d = p.choose(makeRequest(clientIp(0)), b);
        EXPECT_EQ(d.kind, DecisionKind::RoundRobin);
        EXPECT_TRUE(d.key.empty());
        picks.push_back(d.backend);
    }
    EXPECT_EQ(picks, (std::vector<int>{0, 1, 2, 0, 1, 2, 0, 1, 2}));
}

TEST(RoundRobin, SkipsDownServerAndKeepsRotatingFairly)
{
    RoundRobinPolicy p;
    auto b = makeBackends(4);
    b[1].up = false;
    std::vector<int> counts(4);
    std::vector<int> picks;
    for (int i = 0; i < 300; ++i) {
        int s = p.choose(makeRequest(clientIp(0)), b).backend;
        ++counts[static_cast<std::size_t>(s)];
        if (i < 6)
            picks.push_back(s);
    }
    EXPECT_EQ(picks, (std::vector<int>{0, 2, 3, 0, 2, 3}));
    EXPECT_EQ(counts, (std::vector<int>{100, 0, 100, 100}));
}

TEST(RoundRobin, SkipsDrainingRemovedAndZeroWeight)
{
    RoundRobinPolicy p;
    auto b = makeBackends(4);
    b[0].draining = true;
    b[1].removed = true;
    b[2].weight = 0;
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(p.choose(makeRequest(clientIp(0)), b).backend, 3);
}

TEST(RoundRobin, ServerComingBackRejoinsTheRotation)
{
    RoundRobinPolicy p;
    auto b = makeBackends(3);
    b[2].up = false;
    EXPECT_EQ(p.choose(makeRequest(clientIp(0)), b).backend, 0);
    EXPECT_EQ(p.choose(makeRequest(clientIp(0)), b).backend, 1);
    b[2].up = true;
    EXPECT_EQ(p.choose(makeRequest(clientIp(0)), b).backend, 2);
    EXPECT_EQ(p.choose(makeRequest(clientIp(0)), b).backend, 0);
}

TEST(RoundRobin, NoBackendWhenAllDown)
{
    RoundRobinPolicy p;
    auto b = makeBackends(3);
    for (auto& x : b)
        x.up = false;
    Decision d = p.choose(makeRequest(clientIp(0)), b);
    EXPECT_EQ(d.backend, -1);
    EXPECT_EQ(d.kind, DecisionKind::NoBackend);
    EXPECT_EQ(p.choose(makeRequest(clientIp(0)), std::span<const BackendInfo>{}).backend, -1);
}
