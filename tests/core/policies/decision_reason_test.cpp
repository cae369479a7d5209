// Every policy's DecisionReason holds the numbers its decision was made from: the hash the policy
// took modulo the usable servers, the in-flight counts it compared, the table row's age, the ring
// point's owner. Each test checks them against the decision itself, so a reason that drifted from
// the rule it describes fails.

#include "core/policies/consistent_hash.h"
#include "core/policies/cookie_affinity.h"
#include "core/policies/geo.h"
#include "core/policies/hashing.h"
#include "core/policies/ip_hash.h"
#include "core/policies/least_connections.h"
#include "core/policies/policy_test_util.h"
#include "core/policies/power_of_two.h"
#include "core/policies/random.h"
#include "core/policies/round_robin.h"
#include "core/policies/session_affinity.h"
#include "core/policies/source_ip_affinity.h"
#include "core/policies/url_hash.h"
#include "core/policies/url_param_affinity.h"
#include "core/policies/weighted_round_robin.h"
#include "core/base/cookie_header.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <vector>

using namespace lblab;
using namespace lblab::test;

namespace {

/// The indices of the backends that take new clients, in index order (the hash policies' list).
std::vector<int> acceptingList(const std::vector<BackendInfo>& b)
{
    std::vector<int> out;
    for (std::size_t i = 0; i < b.size(); ++i)
        if (b[i].acceptsNew())
            out.push_back(static_cast<int>(i));
    return out;
}

void respondWithSession(Policy& p, const RequestView& r, const Decision& d, std::string_view setCookie)
{
    const std::array<std::string_view, 1> cookies{setCookie};
    ResponseView resp;
    resp.backend = d.backend;
    resp.status = 200;
    resp.setCookies = cookies;
    p.observeResponse(r, d, resp);
}

} // namespace

TEST(DecisionReason, RoundRobinRecordsTheTurnAndASkippedServer)
{
    RoundRobinPolicy p;
    auto b = makeBackends(3);
    for (int i = 0; i < 3; ++i) {
        const Decision d = p.choose(makeRequest(clientIp(0)), b);
        EXPECT_EQ(d.reason.rule, ReasonRule::Rotation);
        EXPECT_EQ(d.reason.slot, static_cast<std::uint32_t>(d.backend));
        EXPECT_EQ(d.reason.modulus, 3u);
    }
    b[0].up = false; // the turn is s1's again, and s1 is down
    const Decision d = p.choose(makeRequest(clientIp(0)), b);
    EXPECT_EQ(d.reason.slot, 0u);
    EXPECT_EQ(d.backend, 1);
}

TEST(DecisionReason, WeightedRoundRobinRecordsWeightsAndThePickInItsCycle)
{
    WeightedRoundRobinPolicy p;
    auto b = makeBackends(3);
    b[0].weight = 5;
    p.backendsChanged(b);
    for (std::uint32_t k = 0; k < 14; ++k) {
        const Decision d = p.choose(makeRequest(clientIp(0)), b);
        ASSERT_EQ(d.reason.rule, ReasonRule::WeightedRotation);
        EXPECT_EQ(d.reason.slot, k % 7);
        EXPECT_EQ(d.reason.modulus, 7u);
        ASSERT_EQ(d.reason.candidates, 3);
        for (int i = 0; i < 3; ++i) {
            EXPECT_EQ(d.reason.candidate[i], i);
            EXPECT_EQ(d.reason.load[i], b[static_cast<std::size_t>(i)].weight);
        }
    }
}

TEST(DecisionReason, RandomRecordsTheDrawOverTheUsableList)
{
    RandomPolicy p(7);
    auto b = makeBackends(4);
    b[1].up = false;
    const auto list = acceptingList(b);
    for (int i = 0; i < 50; ++i) {
        const Decision d = p.choose(makeRequest(clientIp(0)), b);
        ASSERT_EQ(d.reason.rule, ReasonRule::RandomDraw);
        ASSERT_EQ(d.reason.modulus, list.size());
        ASSERT_LT(d.reason.slot, d.reason.modulus);
        EXPECT_EQ(d.backend, list[d.reason.slot]);
    }
}

TEST(DecisionReason, LeastConnectionsRecordsTheCountsItComparedAndTheMinimumWins)
{
    LeastConnectionsPolicy p;
    auto b = makeBackends(3);
    for (int round = 0; round < 6; ++round) {
        b[0].active = 3 + round % 2;
        b[1].active = 1 + round % 3;
        b[2].active = 2;
        const Decision d = p.choose(makeRequest(clientIp(0)), b);
        ASSERT_EQ(d.reason.rule, ReasonRule::LeastConnections);
        ASSERT_EQ(d.reason.candidates, 3);
        EXPECT_EQ(d.reason.more, 0);
        int firstMinimum = -1;
        int minimum = 1 << 30;
        for (int i = 0; i < d.reason.candidates; ++i) {
            const int backend = d.reason.candidate[i];
            EXPECT_EQ(d.reason.load[i], b[static_cast<std::size_t>(backend)].active) << "backend " << backend;
            if (d.reason.load[i] < minimum) {
                minimum = d.reason.load[i];
                firstMinimum = backend;
            }
        }
        EXPECT_EQ(d.backend, firstMinimum);
        EXPECT_EQ(b[static_cast<std::size_t>(d.backend)].active, minimum);
    }
}

TEST(DecisionReason, LeastConnectionsListsEightAndAlwaysTheWinner)
{
    LeastConnectionsPolicy p;
    auto b = makeBackends(12);
    for (auto& backend : b)
        backend.active = 5;
    b[10].active = 1;
    const Decision d = p.choose(makeRequest(clientIp(0)), b);
    ASSERT_EQ(d.backend, 10);
    EXPECT_EQ(d.reason.candidates, DecisionReason::kMaxCandidates);
    EXPECT_EQ(d.reason.more, 4);
    EXPECT_EQ(d.reason.candidate[DecisionReason::kMaxCandidates - 1], 10);
    EXPECT_EQ(d.reason.load[DecisionReason::kMaxCandidates - 1], 1);
}

TEST(DecisionReason, PowerOfTwoRecordsBothPicksAndTheLessBusyWins)
{
    PowerOfTwoPolicy p(3);
    auto b = makeBackends(5);
    for (int i = 0; i < 5; ++i)
        b[static_cast<std::size_t>(i)].active = (i * 7) % 5;
    for (int i = 0; i < 40; ++i) {
        const Decision d = p.choose(makeRequest(clientIp(0)), b);
        ASSERT_EQ(d.reason.rule, ReasonRule::PowerOfTwo);
        ASSERT_EQ(d.reason.candidates, 2);
        const int a = d.reason.candidate[0];
        const int c = d.reason.candidate[1];
        EXPECT_NE(a, c);
        EXPECT_EQ(d.reason.load[0], b[static_cast<std::size_t>(a)].active);
        EXPECT_EQ(d.reason.load[1], b[static_cast<std::size_t>(c)].active);
        EXPECT_EQ(d.backend, d.reason.load[1] < d.reason.load[0] ? c : a);
    }
}

TEST(DecisionReason, IpHashRecordsTheHashModuloTheUsableServers)
{
    IpHashPolicy p;
    auto b = makeBackends(4);
    b[2].up = false;
    p.backendsChanged(b);
    const auto list = acceptingList(b);
    for (std::uint32_t i = 0; i < 40; ++i) {
        const Decision d = p.choose(makeRequest(clientIp(i)), b);
        ASSERT_EQ(d.reason.rule, ReasonRule::HashModulo);
        EXPECT_EQ(d.reason.key, ReasonKey::Address);
        EXPECT_EQ(d.reason.hash, mixHash(clientIp(i)));
        EXPECT_EQ(d.reason.modulus, list.size());
        EXPECT_EQ(d.reason.slot, d.reason.hash % d.reason.modulus);
        EXPECT_EQ(d.backend, list[d.reason.slot]);
    }
}

TEST(DecisionReason, UrlHashRecordsTheHashOfTheTarget)
{
    UrlHashPolicy p;
    auto b = makeBackends(3);
    for (int i = 0; i < 20; ++i) {
        const std::string target = "/item/" + std::to_string(i);
        const Decision d = p.choose(makeRequest(clientIp(0), target), b);
        ASSERT_EQ(d.reason.rule, ReasonRule::HashModulo);
        EXPECT_EQ(d.reason.key, ReasonKey::Url);
        EXPECT_EQ(d.reason.hash, hashText(target));
        EXPECT_EQ(d.reason.slot, d.reason.hash % 3);
        EXPECT_EQ(d.backend, static_cast<int>(d.reason.slot));
    }
}

TEST(DecisionReason, ConsistentHashRecordsThePointAndItsOwner)
{
    ConsistentHashPolicy p(40, 0);
    auto b = makeBackends(4);
    p.backendsChanged(b);
    for (std::uint32_t i = 0; i < 50; ++i) {
        const Decision d = p.choose(makeRequest(clientIp(i)), b);
        ASSERT_EQ(d.reason.rule, ReasonRule::Ring);
        EXPECT_EQ(d.reason.key, ReasonKey::Address);
        EXPECT_EQ(d.reason.hash, hashText(d.key) >> 32);
        // The first point at or after the key's position, or the ring's first one past the top.
        if (d.reason.point < d.reason.hash) {
            EXPECT_LT(d.reason.point, 1u << 28) << "a wrap must land near the ring's start";
        }
        ASSERT_EQ(d.reason.candidates, 1);
        EXPECT_EQ(d.reason.candidate[0], d.backend);
    }
}

TEST(DecisionReason, ConsistentHashWithBoundedLoadRecordsTheOwnerItPassedOver)
{
    ConsistentHashPolicy p(40, 1.25);
    auto b = makeBackends(3);
    p.backendsChanged(b);
    const Decision first = p.choose(makeRequest(clientIp(1)), b);
    b[static_cast<std::size_t>(first.backend)].active = 10; // far over 1.25 x the mean
    const Decision d = p.choose(makeRequest(clientIp(1)), b);
    ASSERT_EQ(d.reason.candidates, 1);
    EXPECT_EQ(d.reason.candidate[0], first.backend);
    EXPECT_EQ(d.reason.load[0], 10);
    EXPECT_NE(d.backend, first.backend);
}

TEST(DecisionReason, GeoRecordsTheRegionsServers)
{
    GeoPolicy p;
    auto b = makeBackends(4);
    b[1].region = "us";
    b[3].region = "us";
    p.backendsChanged(b);
    RequestView r = makeRequest(clientIp(0));
    r.regionHeader = "us";
    const Decision d = p.choose(r, b);
    ASSERT_EQ(d.reason.rule, ReasonRule::Region);
    EXPECT_EQ(d.reason.key, ReasonKey::Region);
    ASSERT_EQ(d.reason.candidates, 2);
    EXPECT_EQ(d.reason.candidate[0], 1);
    EXPECT_EQ(d.reason.candidate[1], 3);
    EXPECT_TRUE(d.backend == 1 || d.backend == 3);
    r.regionHeader = "mars";
    EXPECT_EQ(p.choose(r, b).reason.rule, ReasonRule::RegionFallback);
}

TEST(DecisionReason, SourceIpAffinityRecordsThePinAndItsAge)
{
    SourceIpAffinityPolicy p(300, 1000);
    auto b = makeBackends(3);
    const Decision first = p.choose(makeRequest(clientIp(4), "/", {}, at(1.0)), b);
    EXPECT_EQ(first.reason.rule, ReasonRule::TableNoEntry);
    EXPECT_EQ(first.reason.key, ReasonKey::Address);
    const Decision later = p.choose(makeRequest(clientIp(4), "/", {}, at(5.2)), b);
    ASSERT_EQ(later.reason.rule, ReasonRule::TablePinned);
    EXPECT_EQ(later.reason.pinned, first.backend);
    EXPECT_EQ(later.backend, first.backend);
    EXPECT_EQ(later.reason.pinAgeMs, 4200u); // made at 1.0 s, seen at 5.2 s
    b[static_cast<std::size_t>(first.backend)].up = false;
    const Decision moved = p.choose(makeRequest(clientIp(4), "/", {}, at(6.0)), b);
    ASSERT_EQ(moved.reason.rule, ReasonRule::TableRepinned);
    EXPECT_EQ(moved.reason.pinned, first.backend);
    EXPECT_NE(moved.backend, first.backend);
}

TEST(DecisionReason, CookieAffinityRecordsTheCookiesPin)
{
    CookieAffinityPolicy p("LBLAB_SRV", 11, 300, 1000);
    auto b = makeBackends(3);
    const Decision first = p.choose(makeRequest(clientIp(0), "/", {}, at(1.0)), b);
    EXPECT_EQ(first.reason.rule, ReasonRule::TableNoEntry);
    EXPECT_EQ(first.reason.key, ReasonKey::Cookie);
    const std::string cookie = "LBLAB_SRV=" + first.key;
    const Decision later = p.choose(makeRequest(clientIp(9), "/", cookie, at(3.5)), b);
    ASSERT_EQ(later.reason.rule, ReasonRule::TablePinned);
    EXPECT_EQ(later.reason.pinned, later.backend);
    EXPECT_EQ(later.reason.pinAgeMs, 2500u);
    // A well-formed cookie of ours that the table no longer holds still names its server.
    const Decision named = p.choose(makeRequest(clientIp(9), "/", "LBLAB_SRV=s3-00aa11bb", at(4.0)), b);
    ASSERT_EQ(named.reason.rule, ReasonRule::CookieNamesServer);
    EXPECT_EQ(named.reason.pinned, 2);
    EXPECT_EQ(named.backend, 2);
}

TEST(DecisionReason, SessionAffinityRecordsTheLearnedPin)
{
    SessionAffinityPolicy p("SESSIONID", 300, 1000);
    auto b = makeBackends(3);
    const RequestView login = makeRequest(clientIp(0), "/login", {}, at(1.0));
    const Decision first = p.choose(login, b);
    EXPECT_EQ(first.reason.rule, ReasonRule::TableNoEntry);
    EXPECT_EQ(first.reason.key, ReasonKey::SessionCookie);
    respondWithSession(p, login, first, "SESSIONID=abc123; Path=/");
    const Decision later = p.choose(makeRequest(clientIp(0), "/account", "SESSIONID=abc123", at(2.0)), b);
    ASSERT_EQ(later.reason.rule, ReasonRule::TablePinned);
    EXPECT_EQ(later.reason.pinned, first.backend);
    EXPECT_EQ(later.backend, first.backend);
    EXPECT_EQ(later.reason.pinAgeMs, 1000u);
}

TEST(DecisionReason, UrlParamAffinityRecordsTheLearnedPin)
{
    UrlParamAffinityPolicy p("sid", "SESSIONID", 300, 1000);
    auto b = makeBackends(3);
    const RequestView login = makeRequest(clientIp(0), "/login", {}, at(1.0));
    const Decision first = p.choose(login, b);
    respondWithSession(p, login, first, "SESSIONID=xyz; Path=/");
    const Decision later = p.choose(makeRequest(clientIp(0), "/account?sid=xyz", {}, at(1.5)), b);
    ASSERT_EQ(later.reason.rule, ReasonRule::TablePinned);
    EXPECT_EQ(later.reason.key, ReasonKey::UrlParam);
    EXPECT_EQ(later.reason.pinned, first.backend);
    EXPECT_EQ(later.reason.pinAgeMs, 500u);
}

TEST(DecisionReason, NoUsableServerSaysSo)
{
    auto b = makeBackends(2);
    for (auto& backend : b)
        backend.up = false;
    RoundRobinPolicy rr;
    IpHashPolicy hash;
    LeastConnectionsPolicy least;
    SourceIpAffinityPolicy sticky(300, 100);
    for (Policy* p : std::initializer_list<Policy*>{&rr, &hash, &least, &sticky}) {
        const Decision d = p->choose(makeRequest(clientIp(0)), b);
        EXPECT_EQ(d.backend, -1) << p->id();
        EXPECT_EQ(d.reason.rule, ReasonRule::NoBackend) << p->id();
    }
}

TEST(DecisionReason, ResetClearsIt)
{
    IpHashPolicy p;
    auto b = makeBackends(3);
    Decision d = p.choose(makeRequest(clientIp(0)), b);
    ASSERT_EQ(d.reason.rule, ReasonRule::HashModulo);
    d.reset();
    EXPECT_EQ(d.reason.rule, ReasonRule::None);
    EXPECT_EQ(d.reason.hash, 0u);
    EXPECT_EQ(d.reason.candidates, 0);
}
