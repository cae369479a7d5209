#include "core/policies/ip_hash.h"
#include "core/policies/policy_test_util.h"

#include <gtest/gtest.h>

using namespace lblab;
using namespace lblab::test;

TEST(IpHash, SameAddressSameServerAndKeyIsTheAddress)
{
    IpHashPolicy p;
    auto b = makeBackends(5);
    const Ipv4 ip = *parseIpv4("127.0.3.17");
    Decision first = p.choose(makeRequest(ip), b);
    EXPECT_EQ(first.kind, DecisionKind::Hash);
    EXPECT_EQ(first.key, "127.0.3.17");
    for (int i = 0; i < 50; ++i)
        EXPECT_EQ(p.choose(makeRequest(ip, "/other"), b).backend, first.backend);
}

TEST(IpHash, SpreadsSequentialAddressesEvenly)
{
    IpHashPolicy p;
    auto b = makeBackends(4);
    std::vector<int> counts(4);
    for (std::uint32_t i = 0; i < 10000; ++i)
        ++counts[static_cast<std::size_t>(p.choose(makeRequest(clientIp(i)), b).backend)];
    for (int c : counts)
        EXPECT_NEAR(c, 2500, 200);
}

TEST(IpHash, GrowingThreeToFourRemapsMostClients)
{
    IpHashPolicy p;
    auto three = makeBackends(3);
    auto four = makeBackends(4);
    int moved = 0;
    const int n = 10000;
    for (std::uint32_t i = 0; i < n; ++i) {
        const auto r = makeRequest(clientIp(i));
        moved += p.choose(r, three).backend != p.choose(r, four).backend ? 1 : 0;
    }
    // mod 3 and mod 4 agree only when hash mod 12 is 0, 1 or 2: N/(N+1) = 3/4 move.
    EXPECT_NEAR(moved / double(n), 0.75, 0.03);
}

TEST(IpHash, DownServerRemapsOverTheUsableList)
{
    IpHashPolicy p;
    auto b = makeBackends(3);
    b[1].up = false;
    for (std::uint32_t i = 0; i < 1000; ++i)
        EXPECT_NE(p.choose(makeRequest(clientIp(i)), b).backend, 1);
    for (auto& x : b)
        x.up = false;
    Decision d = p.choose(makeRequest(clientIp(0)), b);
    EXPECT_EQ(d.backend, -1);
    EXPECT_EQ(d.kind, DecisionKind::NoBackend);
}
