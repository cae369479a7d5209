#include "core/policies/consistent_hash.h"
#include "core/policies/hashing.h"
#include "core/policies/policy_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

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

namespace {

using ReferenceRing = std::vector<std::pair<std::uint32_t, int>>;

/// The ring as the policy documents it (a point's position is the top 32 bits of the hash of
/// "name#v"), sorted: searched with a plain binary search, the reference the bucketed lookup must
/// agree with.
ReferenceRing referenceRing(std::span<const BackendInfo> b, int virtualNodes)
{
    ReferenceRing ring;
    long long total = 0;
    for (const auto& x : b)
        total += x.acceptsNew() ? x.weight : 0;
    if (total == 0)
        return ring;
    const long long perWeight = std::max<long long>(1, std::min<long long>(virtualNodes, (1 << 20) / total));
    for (std::size_t i = 0; i < b.size(); ++i)
        for (long long v = 0; b[i].acceptsNew() && v < perWeight * b[i].weight; ++v)
            ring.emplace_back(static_cast<std::uint32_t>(hashText(b[i].name + "#" + std::to_string(v)) >> 32),
                              static_cast<int>(i));
    std::sort(ring.begin(), ring.end());
    return ring;
}

int referenceOwner(const ReferenceRing& ring, std::uint32_t position)
{
    if (ring.empty())
        return -1;
    auto it = std::lower_bound(ring.begin(), ring.end(), std::pair<std::uint32_t, int>{position, -1});
    return it == ring.end() ? ring.front().second : it->second;
}

/// Where client `ip` lands on the ring.
std::uint32_t ringPositionOf(Ipv4 ip) { return static_cast<std::uint32_t>(hashText(formatIpv4(ip)) >> 32); }

/// How many of `clients` clients (addresses clientIp(i * 7919)) the policy sends elsewhere than the reference.
int disagreements(ConsistentHashPolicy& p, std::span<const BackendInfo> b, const ReferenceRing& ring,
                  std::uint32_t clients)
{
    int wrong = 0;
    for (std::uint32_t i = 0; i < clients; ++i) {
        const Ipv4 ip = clientIp(i * 7919);
        wrong += p.choose(makeRequest(ip), b).backend != referenceOwner(ring, ringPositionOf(ip)) ? 1 : 0;
    }
    return wrong;
}

} // namespace

TEST(ConsistentHash, BucketedLookupAgreesWithABinarySearchOfTheRing)
{
    auto b = makeBackends(37);
    for (std::size_t i = 0; i < b.size(); ++i)
        b[i].weight = 1 + static_cast<int>(i % 3);
    b[5].up = false;
    b[9].draining = true;
    ConsistentHashPolicy p(40, 0);
    p.backendsChanged(b);
    EXPECT_EQ(disagreements(p, b, referenceRing(b, 40), 3000), 0);
}

TEST(ConsistentHash, UnannouncedChangeNeverYieldsAnUnusableBackend)
{
    ConsistentHashPolicy p(50, 0);
    auto b = makeBackends(4);
    p.backendsChanged(b);
    b[1].up = false; // no backendsChanged()
    for (std::uint32_t i = 0; i < 500; ++i) {
        const int chosen = p.choose(makeRequest(clientIp(i)), b).backend;
        ASSERT_NE(chosen, 1);
        ASSERT_GE(chosen, 0);
    }
    // A repeated notification with nothing changed keeps every client where it was.
    std::vector<int> before;
    for (std::uint32_t i = 0; i < 500; ++i)
        before.push_back(p.choose(makeRequest(clientIp(i)), b).backend);
    p.backendsChanged(b);
    for (std::uint32_t i = 0; i < 500; ++i)
        ASSERT_EQ(p.choose(makeRequest(clientIp(i)), b).backend, before[i]);
}

TEST(ConsistentHash, CrowdedBucketAndHugeBackendCountStillFindTheOwner)
{
    // Twelve one-point servers make a ring of four buckets (top two bits of the position). Eleven
    // names whose point falls in the first bucket overflow its cache-line block, so lookups there
    // take the searched path; the reference decides who is right.
    std::vector<BackendInfo> crowded;
    for (int n = 0; crowded.size() < 11; ++n) {
        const std::string name = "c" + std::to_string(n);
        if ((hashText(name + "#0") >> 62) == 0) {
            crowded.emplace_back();
            crowded.back().name = name;
        }
    }
    crowded.emplace_back();
    crowded.back().name = "other";
    ConsistentHashPolicy p(1, 0);
    p.backendsChanged(crowded);
    ASSERT_EQ(p.ringSize(), 12u);
    EXPECT_EQ(disagreements(p, crowded, referenceRing(crowded, 1), 4000), 0);
    int inCrowdedBucket = 0;
    for (std::uint32_t i = 0; i < 4000; ++i)
        inCrowdedBucket += (ringPositionOf(clientIp(i * 7919)) >> 30) == 0 ? 1 : 0;
    EXPECT_GT(inCrowdedBucket, 500); // the crowded bucket was really looked up

    // More servers than 16-bit owners can name: no blocks, every lookup searches the ring.
    auto many = makeBackends(70000);
    ConsistentHashPolicy q(1, 0);
    q.backendsChanged(many);
    EXPECT_EQ(disagreements(q, many, referenceRing(many, 1), 2000), 0);
}
