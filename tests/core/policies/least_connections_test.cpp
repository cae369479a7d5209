#include "core/policies/least_connections.h"
#include "core/policies/policy_test_util.h"

#include <gtest/gtest.h>

using namespace lblab;
using namespace lblab::test;

TEST(LeastConnections, PicksTheIdleServer)
{
    LeastConnectionsPolicy p;
    auto b = makeBackends(4);
    b[0].active = 7;
    b[1].active = 3;
    b[2].active = 0;
    b[3].active = 5;
    for (int i = 0; i < 5; ++i) {
        Decision d = p.choose(makeRequest(clientIp(0)), b);
        EXPECT_EQ(d.backend, 2);
        EXPECT_EQ(d.kind, DecisionKind::LeastConnections);
    }
}

TEST(LeastConnections, TiesRotateInsteadOfPilingOnTheFirst)
{
    LeastConnectionsPolicy p;
    auto b = makeBackends(3);
    std::vector<int> picks;
    for (int i = 0; i < 6; ++i)
        picks.push_back(p.choose(makeRequest(clientIp(0)), b).backend);
    EXPECT_EQ(picks, (std::vector<int>{0, 1, 2, 0, 1, 2}));
}

TEST(LeastConnections, LongRequestsKeepTheLoadLevel)
{
    LeastConnectionsPolicy p;
    auto b = makeBackends(3);
    b[0].active = 10; // a slow server already holds ten
    for (int i = 0; i < 20; ++i)
        ++b[static_cast<std::size_t>(p.choose(makeRequest(clientIp(0)), b).backend)].active;
    EXPECT_EQ(b[0].active, 10);
    EXPECT_EQ(b[1].active, 10);
    EXPECT_EQ(b[2].active, 10);
}

TEST(LeastConnections, IgnoresIdleButUnusableServers)
{
    LeastConnectionsPolicy p;
    auto b = makeBackends(3);
    b[0].up = false;
    b[1].draining = true;
    b[2].active = 50;
    EXPECT_EQ(p.choose(makeRequest(clientIp(0)), b).backend, 2);
    b[2].removed = true;
    EXPECT_EQ(p.choose(makeRequest(clientIp(0)), b).kind, DecisionKind::NoBackend);
}
