#include "core/policies/random.h"
#include "core/policies/policy_test_util.h"

#include <gtest/gtest.h>

using namespace lblab;
using namespace lblab::test;

TEST(Random, RoughlyUniformAndOnlyUsable)
{
    RandomPolicy p(42);
    auto b = makeBackends(4);
    b[3].up = false;
    std::vector<int> counts(4);
    for (int i = 0; i < 30000; ++i) {
        Decision d = p.choose(makeRequest(clientIp(0)), b);
        EXPECT_EQ(d.kind, DecisionKind::Random);
        ++counts[static_cast<std::size_t>(d.backend)];
    }
    EXPECT_EQ(counts[3], 0);
    for (int i = 0; i < 3; ++i)
        EXPECT_NEAR(counts[static_cast<std::size_t>(i)], 10000, 400) << "backend " << i;
}

TEST(Random, SameSeedSameSequence)
{
    RandomPolicy a(7), c(7), other(8);
    auto b = makeBackends(5);
    std::vector<int> x, y, z;
    for (int i = 0; i < 50; ++i) {
        x.push_back(a.choose(makeRequest(clientIp(0)), b).backend);
        y.push_back(c.choose(makeRequest(clientIp(0)), b).backend);
        z.push_back(other.choose(makeRequest(clientIp(0)), b).backend);
    }
    EXPECT_EQ(x, y);
    EXPECT_NE(x, z);
}

TEST(Random, NoBackendWhenAllDown)
{
    RandomPolicy p(1);
    auto b = makeBackends(2);
    b[0].up = b[1].up = false;
    EXPECT_EQ(p.choose(makeRequest(clientIp(0)), b).kind, DecisionKind::NoBackend);
    EXPECT_EQ(p.choose(makeRequest(clientIp(0)), b).backend, -1);
}
