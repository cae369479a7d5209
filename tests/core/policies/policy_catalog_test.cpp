#include "core/policies/policy_catalog.h"
#include "core/policies/policy_test_util.h"

#include <gtest/gtest.h>

using namespace lblab;
using namespace lblab::test;

TEST(PolicyCatalog, ListsAllThirteenInDesignOrder)
{
    const std::vector<std::string> expected{
        "round-robin",        "weighted-round-robin", "random",           "least-connections", "power-of-two",
        "ip-hash",            "url-hash",             "geo",              "consistent-hash",   "source-ip-affinity",
        "cookie-affinity",    "session-affinity",     "url-param-affinity"};
    std::vector<std::string> ids;
    for (const auto& d : PolicyCatalog::all()) {
        ids.push_back(d.id);
        EXPECT_FALSE(d.name.empty()) << d.id;
        EXPECT_FALSE(d.summary.empty()) << d.id;
        EXPECT_EQ(d.summary.find('\n'), std::string::npos) << d.id;
        EXPECT_LE(d.summary.size(), 110u) << d.id;
    }
    EXPECT_EQ(ids, expected);
}

TEST(PolicyCatalog, MakesEachPolicyWithMatchingIdAndStatefulness)
{
    auto b = makeBackends(3);
    for (const auto& d : PolicyCatalog::all()) {
        auto p = PolicyCatalog::make(d.id, PolicyOptions{});
        ASSERT_TRUE(p) << d.id;
        EXPECT_EQ(p->id(), d.id);
        EXPECT_EQ(p->stateful(), d.stateful) << d.id;
        EXPECT_EQ(PolicyCatalog::find(d.id), &d);
        Decision first = p->choose(makeRequest(clientIp(1), "/", {}), b);
        EXPECT_GE(first.backend, 0) << d.id;
        EXPECT_NE(first.kind, DecisionKind::NoBackend) << d.id;
    }
    EXPECT_EQ(PolicyCatalog::make("nope", PolicyOptions{}), nullptr);
    EXPECT_EQ(PolicyCatalog::find("nope"), nullptr);
}

// The contract every policy shares: never a backend that cannot take the client.
TEST(PolicyCatalog, EveryPolicyRespectsUsabilityAndSaysNoBackend)
{
    for (const auto& d : PolicyCatalog::all()) {
        auto p = PolicyCatalog::make(d.id, PolicyOptions{});
        auto b = makeBackends(4);
        b[0].up = false;
        b[1].draining = true;
        b[2].removed = true;
        for (std::uint32_t i = 0; i < 200; ++i) {
            Decision x = p->choose(makeRequest(clientIp(i), "/p?sid=x&loc=eu", "SESSIONID=x; LBLAB_SRV=s1-ab"), b);
            EXPECT_EQ(x.backend, 3) << d.id << " request " << i;
        }
        auto down = makeBackends(3);
        for (auto& x : down)
            x.up = false;
        Decision none = p->choose(makeRequest(clientIp(7), "/", "SESSIONID=x"), down);
        EXPECT_EQ(none.backend, -1) << d.id;
        EXPECT_EQ(none.kind, DecisionKind::NoBackend) << d.id;
        EXPECT_EQ(p->choose(makeRequest(clientIp(7)), std::span<const BackendInfo>{}).kind, DecisionKind::NoBackend)
            << d.id;
    }
}
