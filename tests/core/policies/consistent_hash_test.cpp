#include "core/policies/consistent_hash.h"
#include "core/policies/policy_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace lblab;
using namespace lblab::test;

TEST(ConsistentHash, StablePerAddressWithAddressKey)
{
    ConsistentHashPolicy p(160, 0);
    auto b = makeBackends(3);
    const Ipv4 ip = *parseIpv4("127.0.9.4");
    Decision first = p.choose(makeRequest(ip), b);
    EXPECT_EQ(first.kind, DecisionKind::Hash);
    EXPECT_EQ(first.key, "127.0.9.4");
    for (int i = 0; i < 20; ++i)
        EXPECT_EQ(p.choose(makeRequest(ip), b).backend, first.backend);
    EXPECT_EQ(p.ringSize(), 3u * 160u);
    EXPECT_FALSE(p.stateful());
    EXPECT_EQ(p.tableSize(), 0u);
}

TEST(ConsistentHash, GrowingThreeToFourRemapsAboutAQuarter)
{
    ConsistentHashPolicy p(160, 0);
    auto three = makeBackends(3);
    auto four = makeBackends(4);
    const int n = 10000;
    std::vector<int> before(n);
    for (std::uint32_t i = 0; i < n; ++i)
        before[i] = p.choose(makeRequest(clientIp(i)), three).backend;
    int moved = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
        const int after = p.choose(makeRequest(clientIp(i)), four).backend; // ring rebuilt lazily
        if (after != before[i]) {
            ++moved;
            EXPECT_EQ(after, 3) << "a client may only move to the new server";
        }
    }
    EXPECT_NEAR(moved / double(n), 0.25, 0.05);
}

TEST(ConsistentHash, DownServerMovesOnlyItsOwnClients)
{
    ConsistentHashPolicy p(160, 0);
    auto b = makeBackends(4);
    const int n = 4000;
    std::vector<int> before(n);
    for (std::uint32_t i = 0; i < n; ++i)
        before[i] = p.choose(makeRequest(clientIp(i)), b).backend;
    b[2].up = false;
    p.backendsChanged(b);
    for (std::uint32_t i = 0; i < n; ++i) {
        const int after = p.choose(makeRequest(clientIp(i)), b).backend;
        EXPECT_NE(after, 2);
        if (before[i] != 2) {
            EXPECT_EQ(after, before[i]);
        }
    }
}

TEST(ConsistentHash, WeightScalesPoints)
{
    ConsistentHashPolicy p(100, 0);
    auto b = makeBackends(2);
    b[1].weight = 3;
    std::vector<int> counts(2);
    for (std::uint32_t i = 0; i < 8000; ++i)
        ++counts[static_cast<std::size_t>(p.choose(makeRequest(clientIp(i)), b).backend)];
    EXPECT_EQ(p.ringSize(), 400u);
    EXPECT_NEAR(counts[1] / 8000.0, 0.75, 0.06);
}

TEST(ConsistentHash, BoundedLoadCapsTheMaximum)
{
    // Every request comes from one address and stays active: without a bound it all lands on one server.
    auto run = [](double factor) {
        ConsistentHashPolicy p(160, factor);
        auto b = makeBackends(4);
        for (int i = 0; i < 1000; ++i)
            ++b[static_cast<std::size_t>(p.choose(makeRequest(clientIp(i % 3)), b).backend)].active;
        int max = 0;
        for (const auto& x : b)
            max = std::max(max, x.active);
        return max;
    };
    EXPECT_GE(run(0), 334);
    EXPECT_LE(run(1.25), static_cast<int>(std::ceil(1.25 * 1000 / 4)));
}

TEST(ConsistentHash, NoBackendWhenAllDown)
{
    ConsistentHashPolicy p(16, 1.25);
    auto b = makeBackends(3);
    for (auto& x : b)
        x.up = false;
    Decision d = p.choose(makeRequest(clientIp(1)), b);
    EXPECT_EQ(d.backend, -1);
    EXPECT_EQ(d.kind, DecisionKind::NoBackend);
}

TEST(ConsistentHash, ChosenKeyCookieFollowsTheCookieAcrossAddresses)
{
    EXPECT_TRUE(ConsistentHashPolicy::validHashKey("cookie:SESSIONID"));
    EXPECT_TRUE(ConsistentHashPolicy::validHashKey("param:sid"));
    EXPECT_TRUE(ConsistentHashPolicy::validHashKey("url"));
    EXPECT_FALSE(ConsistentHashPolicy::validHashKey("cookie:"));
    EXPECT_FALSE(ConsistentHashPolicy::validHashKey("header:X"));

    ConsistentHashPolicy p(160, 0, "cookie:SESSIONID");
    auto b = makeBackends(5);
    // The same session from many addresses: one backend, keyed by the cookie.
    std::vector<int> seen;
    for (std::uint32_t i = 0; i < 50; ++i) {
        RequestView r = makeRequest(clientIp(i));
        r.cookieHeader = "theme=dark; SESSIONID=abc123";
        const Decision d = p.choose(r, b);
        EXPECT_EQ(d.key, "abc123");
        seen.push_back(d.backend);
    }
    EXPECT_EQ(std::count(seen.begin(), seen.end(), seen.front()), 50);
    // Without the cookie the address is the key.
    const Decision fallback = p.choose(makeRequest(clientIp(7)), b);
    EXPECT_EQ(fallback.key, formatIpv4(clientIp(7)));
}

TEST(ConsistentHash, ChosenKeyParamReadsTheQuery)
{
    ConsistentHashPolicy p(160, 0, "param:sid");
    auto b = makeBackends(3);
    RequestView r = makeRequest(clientIp(1));
    r.target = "/account?sid=xyz&x=1";
    EXPECT_EQ(p.choose(r, b).key, "xyz");
}
