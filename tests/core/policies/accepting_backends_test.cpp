#include "core/policies/accepting_backends.h"
#include "core/policies/backend_rotation.h"
#include "core/policies/geo.h"
#include "core/policies/hashing.h"
#include "core/policies/ip_hash.h"
#include "core/policies/least_connections.h"
#include "core/policies/power_of_two.h"
#include "core/policies/random.h"
#include "core/policies/url_hash.h"
#include "core/policies/usable_backends.h"
#include "core/policies/weighted_round_robin.h"
#include "core/policies/policy_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <random>

using namespace lblab;
using namespace lblab::test;

TEST(AcceptingBackends, ListsAcceptingInIndexOrderAndFollowsANewSpan)
{
    AcceptingBackends a;
    auto b = makeBackends(5);
    b[1].up = false;
    b[3].weight = 0;
    const auto list = a.list(b);
    EXPECT_EQ(std::vector<int>(list.begin(), list.end()), (std::vector<int>{0, 2, 4}));
    const auto generation = a.generation();
    a.list(b);
    EXPECT_EQ(a.generation(), generation) << "same span: no rebuild";
    auto other = makeBackends(2);
    EXPECT_EQ(a.list(other).size(), 2u);
    EXPECT_GT(a.generation(), generation);
    EXPECT_TRUE(a.list(std::span<const BackendInfo>{}).empty());
}

TEST(AcceptingBackends, PickRetriesOnceWhenABackendChangedUnannounced)
{
    AcceptingBackends a;
    auto b = makeBackends(3);
    a.list(b);
    b[0].up = false; // nobody called rebuild()
    int calls = 0;
    const int picked = a.pick(b, [&](std::span<const int>) {
        ++calls;
        return std::size_t{0};
    });
    EXPECT_EQ(picked, 1);
    EXPECT_EQ(calls, 2);
    for (auto& x : b)
        x.draining = true;
    EXPECT_EQ(a.pick(b, [](std::span<const int>) { return std::size_t{0}; }), -1);
}

TEST(AcceptingBackends, FirstAtOrAfterWraps)
{
    const std::vector<int> list{1, 4, 7};
    EXPECT_EQ(AcceptingBackends::firstAtOrAfter(list, 0), 0u);
    EXPECT_EQ(AcceptingBackends::firstAtOrAfter(list, 4), 1u);
    EXPECT_EQ(AcceptingBackends::firstAtOrAfter(list, 5), 2u);
    EXPECT_EQ(AcceptingBackends::firstAtOrAfter(list, 8), 0u);
}

// ---- The policies over the cached list pick exactly what the old full scans picked ----

namespace {

/// The decision procedures as they were before the usable list was cached (scans per decision).
struct OldPolicies {
    std::mt19937_64 randomRng{1};
    std::mt19937_64 p2cRng{1};
    std::size_t lcNext = 0;
    std::vector<long long> wrrCurrent;
    std::vector<std::pair<std::string, BackendRotation>> regions;
    BackendRotation fallback;

    static int ipHash(Ipv4 peer, std::span<const BackendInfo> b)
    {
        const std::size_t n = countAcceptingNew(b);
        return n == 0 ? -1 : nthAcceptingNew(b, mixHash(peer) % n);
    }
    static int urlHash(std::string_view target, std::span<const BackendInfo> b)
    {
        const std::size_t n = countAcceptingNew(b);
        return n == 0 ? -1 : nthAcceptingNew(b, hashText(target) % n);
    }
    int random(std::span<const BackendInfo> b)
    {
        const std::size_t n = countAcceptingNew(b);
        if (n == 0)
            return -1;
        std::uniform_int_distribution<std::size_t> pick(0, n - 1);
        return nthAcceptingNew(b, pick(randomRng));
    }
    int powerOfTwo(std::span<const BackendInfo> b)
    {
        const std::size_t n = countAcceptingNew(b);
        if (n == 0)
            return -1;
        if (n == 1)
            return nthAcceptingNew(b, 0);
        const std::size_t first = std::uniform_int_distribution<std::size_t>(0, n - 1)(p2cRng);
        std::size_t second = std::uniform_int_distribution<std::size_t>(0, n - 2)(p2cRng);
        if (second >= first)
            ++second;
        const int x = nthAcceptingNew(b, first);
        const int y = nthAcceptingNew(b, second);
        return b[static_cast<std::size_t>(y)].active < b[static_cast<std::size_t>(x)].active ? y : x;
    }
    int leastConnections(std::span<const BackendInfo> b)
    {
        const std::size_t n = b.size();
        int best = -1;
        for (std::size_t step = 0; step < n; ++step) {
            const std::size_t i = (lcNext + step) % n;
            if (!b[i].acceptsNew())
                continue;
            if (best < 0 || b[i].active < b[static_cast<std::size_t>(best)].active)
                best = static_cast<int>(i);
        }
        if (best >= 0)
            lcNext = (static_cast<std::size_t>(best) + 1) % n;
        return best;
    }
    int weightedRoundRobin(std::span<const BackendInfo> b)
    {
        if (wrrCurrent.size() != b.size())
            wrrCurrent.assign(b.size(), 0);
        long long total = 0;
        int best = -1;
        for (std::size_t i = 0; i < b.size(); ++i) {
            if (!b[i].acceptsNew())
                continue;
            wrrCurrent[i] += b[i].weight;
            total += b[i].weight;
            if (best < 0 || wrrCurrent[i] > wrrCurrent[static_cast<std::size_t>(best)])
                best = static_cast<int>(i);
        }
        if (best >= 0)
            wrrCurrent[static_cast<std::size_t>(best)] -= total;
        return best;
    }
    static bool sameRegion(std::string_view x, std::string_view y)
    {
        return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin(), [](char p, char q) {
                   return std::tolower(static_cast<unsigned char>(p)) == std::tolower(static_cast<unsigned char>(q));
               });
    }
    std::pair<int, DecisionKind> geo(std::string_view region, std::span<const BackendInfo> b)
    {
        if (!region.empty()) {
            auto inRegion = [region](const BackendInfo& x) { return x.acceptsNew() && sameRegion(x.region, region); };
            if (std::any_of(b.begin(), b.end(), inRegion)) {
                BackendRotation* rotation = nullptr;
                for (auto& [name, r] : regions)
                    if (sameRegion(name, region))
                        rotation = &r;
                if (!rotation) {
                    std::string lower(region);
                    std::transform(lower.begin(), lower.end(), lower.begin(),
                                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                    rotation = &regions.emplace_back(std::move(lower), BackendRotation{}).second;
                }
                return {rotation->next(b, inRegion), DecisionKind::Geo};
            }
        }
        const int pick = fallback.nextAcceptingNew(b);
        return {pick, pick < 0 ? DecisionKind::NoBackend : DecisionKind::GeoFallback};
    }
};

} // namespace

TEST(AcceptingBackends, PoliciesPickWhatTheFullScansPicked)
{
    std::mt19937 rng(11);
    std::vector<BackendInfo> b = makeBackends(23);
    const char* regionNames[] = {"eu", "US", "asia", "us"};
    for (std::size_t i = 0; i < b.size(); ++i) {
        b[i].region = regionNames[i % 4];
        b[i].weight = 1 + static_cast<int>(i % 4);
    }
    OldPolicies old;
    IpHashPolicy ipHash;
    UrlHashPolicy urlHash;
    RandomPolicy random(1);
    PowerOfTwoPolicy powerOfTwo(1);
    LeastConnectionsPolicy leastConnections;
    WeightedRoundRobinPolicy wrr;
    GeoPolicy geo;
    std::vector<Policy*> all{&ipHash, &urlHash, &random, &powerOfTwo, &leastConnections, &wrr, &geo};
    for (int round = 0; round < 60; ++round) {
        // Change the set as the balancer does: flip a flag or a weight, then notify every policy.
        if (round > 0) {
            auto& x = b[std::uniform_int_distribution<std::size_t>(0, b.size() - 1)(rng)];
            switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
            case 0: x.up = !x.up; break;
            case 1: x.draining = !x.draining; break;
            case 2: x.weight = std::uniform_int_distribution<int>(0, 5)(rng); break;
            default: x.removed = round % 7 == 0 ? !x.removed : x.removed; break;
            }
            if (round % 10 == 0) // now and then everything but one goes away
                for (std::size_t i = 1; i < b.size(); ++i)
                    b[i].up = round % 20 != 0;
            for (Policy* p : all)
                p->backendsChanged(b);
            old.wrrCurrent.assign(b.size(), 0);
        }
        for (int k = 0; k < 300; ++k) {
            // Load moves with every request, without a notification, as in the balancer.
            for (auto& x : b)
                x.active = std::uniform_int_distribution<int>(0, 3)(rng);
            const Ipv4 peer = clientIp(static_cast<std::uint32_t>(rng() % 5000));
            const std::string target = "/item/" + std::to_string(rng() % 1000);
            const std::string region = std::vector<std::string>{"eu", "us", "ASIA", "mars", ""}[rng() % 5];
            RequestView r = makeRequest(peer, target);
            r.regionHeader = region;
            ASSERT_EQ(ipHash.choose(r, b).backend, OldPolicies::ipHash(peer, b)) << round << '/' << k;
            ASSERT_EQ(urlHash.choose(r, b).backend, OldPolicies::urlHash(target, b)) << round << '/' << k;
            ASSERT_EQ(random.choose(r, b).backend, old.random(b)) << round << '/' << k;
            ASSERT_EQ(powerOfTwo.choose(r, b).backend, old.powerOfTwo(b)) << round << '/' << k;
            ASSERT_EQ(leastConnections.choose(r, b).backend, old.leastConnections(b)) << round << '/' << k;
            ASSERT_EQ(wrr.choose(r, b).backend, old.weightedRoundRobin(b)) << round << '/' << k;
            const Decision g = geo.choose(r, b);
            const auto [oldBackend, oldKind] = old.geo(region, b);
            ASSERT_EQ(g.backend, oldBackend) << round << '/' << k << ' ' << region;
            ASSERT_EQ(g.kind, oldKind) << round << '/' << k << ' ' << region;
        }
    }
}

TEST(WeightedRoundRobinCycle, StoredCycleOrPerPickForLongCycles)
{
    WeightedRoundRobinPolicy small;
    auto b = makeBackends(3);
    b[0].weight = 5;
    small.backendsChanged(b);
    EXPECT_EQ(small.cycleLength(), 7u);

    // Weights summing past the stored-cycle bound: computed pick by pick, same shares.
    WeightedRoundRobinPolicy big;
    auto heavy = makeBackends(3);
    heavy[0].weight = 50000;
    heavy[1].weight = 30000;
    heavy[2].weight = 20000;
    big.backendsChanged(heavy);
    EXPECT_EQ(big.cycleLength(), 0u);
    std::vector<int> counts(3);
    for (int i = 0; i < 100000; ++i)
        ++counts[static_cast<std::size_t>(big.choose(makeRequest(clientIp(0)), heavy).backend)];
    EXPECT_EQ(counts, (std::vector<int>{50000, 30000, 20000}));
}
