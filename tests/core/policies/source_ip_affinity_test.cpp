#include "core/policies/source_ip_affinity.h"
#include "core/policies/policy_test_util.h"

#include <gtest/gtest.h>

using namespace lblab;
using namespace lblab::test;

TEST(SourceIpAffinity, NewThenPinnedWithHitsAndLastUsed)
{
    SourceIpAffinityPolicy p(300, 1000);
    auto b = makeBackends(3);
    const Ipv4 ip = *parseIpv4("127.0.3.17");
    Decision first = p.choose(makeRequest(ip, "/", {}, at(1)), b);
    EXPECT_EQ(first.kind, DecisionKind::NewPin);
    EXPECT_EQ(first.key, "127.0.3.17");
    for (int i = 2; i <= 5; ++i) {
        Decision d = p.choose(makeRequest(ip, "/", {}, at(i)), b);
        EXPECT_EQ(d.kind, DecisionKind::Pinned);
        EXPECT_EQ(d.backend, first.backend);
    }
    auto row = p.lookup("127.0.3.17");
    ASSERT_TRUE(row);
    EXPECT_EQ(row->hits, 4u);
    EXPECT_EQ(row->created, at(1));
    EXPECT_EQ(row->lastUsed, at(5));
    EXPECT_TRUE(p.stateful());
    EXPECT_EQ(p.tableSize(), 1u);
}

TEST(SourceIpAffinity, NewClientsRotateAndAnAddressChangeLooksNew)
{
    SourceIpAffinityPolicy p(300, 1000);
    auto b = makeBackends(3);
    std::vector<int> picks;
    for (std::uint32_t i = 0; i < 4; ++i)
        picks.push_back(p.choose(makeRequest(clientIp(i)), b).backend);
    EXPECT_EQ(picks, (std::vector<int>{0, 1, 2, 0}));
    // Client 0 moves to a new address: it is a stranger now and lands on the next in turn.
    Decision moved = p.choose(makeRequest(clientIp(100)), b);
    EXPECT_EQ(moved.kind, DecisionKind::NewPin);
    EXPECT_EQ(moved.backend, 1);
    EXPECT_NE(moved.backend, picks[0]);
    EXPECT_EQ(p.tableSize(), 5u); // the old address's pin lingers until its TTL
}

TEST(SourceIpAffinity, DownBackendRepinsAndCountsIt)
{
    SourceIpAffinityPolicy p(300, 1000);
    auto b = makeBackends(3);
    const auto ip = clientIp(7);
    const int first = p.choose(makeRequest(ip), b).backend;
    b[static_cast<std::size_t>(first)].up = false;
    Decision d = p.choose(makeRequest(ip), b);
    EXPECT_EQ(d.kind, DecisionKind::Repinned);
    EXPECT_NE(d.backend, first);
    EXPECT_EQ(p.repins(), 1u);
    EXPECT_EQ(p.lookup(formatIpv4(ip))->backend, d.backend);
    // The old server comes back; the client stays on its new pin.
    b[static_cast<std::size_t>(first)].up = true;
    EXPECT_EQ(p.choose(makeRequest(ip), b).kind, DecisionKind::Pinned);
    EXPECT_EQ(p.choose(makeRequest(ip), b).backend, d.backend);
}

TEST(SourceIpAffinity, DrainingKeepsPinnedClientsButTakesNoNewOnes)
{
    SourceIpAffinityPolicy p(300, 1000);
    auto b = makeBackends(2);
    const int first = p.choose(makeRequest(clientIp(0)), b).backend;
    b[static_cast<std::size_t>(first)].draining = true;
    EXPECT_EQ(p.choose(makeRequest(clientIp(0)), b).backend, first);
    for (std::uint32_t i = 1; i < 10; ++i)
        EXPECT_NE(p.choose(makeRequest(clientIp(i)), b).backend, first);
}

TEST(SourceIpAffinity, ExpiryForgetsIdleClients)
{
    SourceIpAffinityPolicy p(10, 1000);
    auto b = makeBackends(2);
    p.choose(makeRequest(clientIp(0), "/", {}, at(0)), b);
    p.choose(makeRequest(clientIp(1), "/", {}, at(8)), b);
    p.expire(at(12));
    EXPECT_EQ(p.tableSize(), 1u);
    EXPECT_FALSE(p.lookup(formatIpv4(clientIp(0))));
}

TEST(SourceIpAffinity, NoBackendWhenEverythingIsDownKeepsThePin)
{
    SourceIpAffinityPolicy p(300, 1000);
    auto b = makeBackends(2);
    p.choose(makeRequest(clientIp(0)), b);
    b[0].up = b[1].up = false;
    Decision d = p.choose(makeRequest(clientIp(0)), b);
    EXPECT_EQ(d.backend, -1);
    EXPECT_EQ(d.kind, DecisionKind::NoBackend);
    EXPECT_EQ(p.choose(makeRequest(clientIp(5)), b).kind, DecisionKind::NoBackend);
    EXPECT_EQ(p.tableSize(), 1u);
    EXPECT_EQ(p.repins(), 0u);
}
