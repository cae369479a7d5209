#include "core/policies/cookie_affinity.h"
#include "core/base/cookie_header.h"
#include "core/policies/policy_test_util.h"

#include <gtest/gtest.h>

#include <string>

using namespace lblab;
using namespace lblab::test;

namespace {

CookieAffinityPolicy makePolicy() { return CookieAffinityPolicy("LBLAB_SRV", 11, 300, 1000); }

/// The cookie a browser would send back after `d`.
std::string cookieFrom(const Decision& d)
{
    auto c = parseSetCookie(d.setCookie);
    EXPECT_TRUE(c);
    return "LBLAB_SRV=" + std::string(c->value);
}

} // namespace

TEST(CookieAffinity, NewClientGetsACookieNamingItsServer)
{
    auto p = makePolicy();
    auto b = makeBackends(3);
    Decision d = p.choose(makeRequest(clientIp(0)), b);
    EXPECT_EQ(d.kind, DecisionKind::NewPin);
    ASSERT_EQ(d.backend, 0);
    EXPECT_EQ(d.key.rfind("s1-", 0), 0u) << d.key;
    EXPECT_EQ(d.setCookie, "LBLAB_SRV=" + d.key + "; Path=/; HttpOnly; SameSite=Lax");
    EXPECT_EQ(CookieAffinityPolicy::backendNameOf(d.key), "s1");
    EXPECT_TRUE(p.lookup(d.key));
}

TEST(CookieAffinity, HonoursItsCookieWhateverTheAddress)
{
    auto p = makePolicy();
    auto b = makeBackends(3);
    p.choose(makeRequest(clientIp(0)), b); // takes s1 so the next client gets s2
    Decision first = p.choose(makeRequest(clientIp(1)), b);
    ASSERT_EQ(first.backend, 1);
    const std::string cookie = "theme=dark; " + cookieFrom(first);
    for (std::uint32_t ip = 50; ip < 60; ++ip) {
        Decision d = p.choose(makeRequest(clientIp(ip), "/", cookie), b);
        EXPECT_EQ(d.kind, DecisionKind::Pinned);
        EXPECT_EQ(d.backend, 1);
        EXPECT_TRUE(d.setCookie.empty());
        EXPECT_EQ(d.key, first.key);
    }
    EXPECT_EQ(p.lookup(first.key)->hits, 10u);
}

TEST(CookieAffinity, DownBackendRepinsWithAFreshCookie)
{
    auto p = makePolicy();
    auto b = makeBackends(3);
    Decision first = p.choose(makeRequest(clientIp(0)), b);
    const std::string cookie = cookieFrom(first);
    b[static_cast<std::size_t>(first.backend)].up = false;
    Decision d = p.choose(makeRequest(clientIp(0), "/", cookie), b);
    EXPECT_EQ(d.kind, DecisionKind::Repinned);
    EXPECT_NE(d.backend, first.backend);
    EXPECT_FALSE(d.setCookie.empty());
    EXPECT_NE(d.key, first.key);
    EXPECT_EQ(CookieAffinityPolicy::backendNameOf(d.key), b[static_cast<std::size_t>(d.backend)].name);
    EXPECT_EQ(p.repins(), 1u);
    EXPECT_FALSE(p.lookup(first.key));
    // The fresh cookie is followed.
    Decision after = p.choose(makeRequest(clientIp(0), "/", cookieFrom(d)), b);
    EXPECT_EQ(after.kind, DecisionKind::Pinned);
    EXPECT_EQ(after.backend, d.backend);
}

TEST(CookieAffinity, WellFormedCookieOutsideTheTableIsHonoured)
{
    auto p = makePolicy();
    auto b = makeBackends(3);
    // Issued before a restart or a policy switch: not in the table, but it names a live server.
    Decision d = p.choose(makeRequest(clientIp(0), "/", "LBLAB_SRV=s3-0badcafe"), b);
    EXPECT_EQ(d.kind, DecisionKind::Pinned);
    EXPECT_EQ(d.backend, 2);
    EXPECT_TRUE(d.setCookie.empty());
    ASSERT_TRUE(p.lookup("s3-0badcafe"));
    EXPECT_EQ(p.lookup("s3-0badcafe")->backend, 2);
}

TEST(CookieAffinity, WellFormedCookieForADownServerIsRepinned)
{
    auto p = makePolicy();
    auto b = makeBackends(3);
    b[2].up = false;
    Decision d = p.choose(makeRequest(clientIp(0), "/", "LBLAB_SRV=s3-0badcafe"), b);
    EXPECT_EQ(d.kind, DecisionKind::Repinned);
    EXPECT_NE(d.backend, 2);
    EXPECT_FALSE(d.setCookie.empty());
    EXPECT_EQ(p.repins(), 1u);
}

TEST(CookieAffinity, DistrustsUnknownNamesAndMalformedCookies)
{
    auto p = makePolicy();
    auto b = makeBackends(3);
    for (std::string_view bad : {"LBLAB_SRV=s9-abcdef", "LBLAB_SRV=s1-xyz", "LBLAB_SRV=s1", "LBLAB_SRV=-abc",
                                 "LBLAB_SRV=s1-", "LBLAB_SRV=", "LBLAB_SRV", "LBLAB_SRV=s1-00000000000000000000",
                                 ";;garbage\x01;LBLAB_SRV=\"\""}) {
        Decision d = p.choose(makeRequest(clientIp(0), "/", bad), b);
        EXPECT_EQ(d.kind, DecisionKind::NewPin) << bad;
        EXPECT_FALSE(d.setCookie.empty()) << bad;
        EXPECT_GE(d.backend, 0);
    }
    EXPECT_EQ(p.repins(), 0u);
    EXPECT_FALSE(p.lookup("s9-abcdef"));
}

TEST(CookieAffinity, DrainingServerKeepsItsCookiesButTakesNoNewClients)
{
    auto p = makePolicy();
    auto b = makeBackends(2);
    Decision first = p.choose(makeRequest(clientIp(0)), b);
    b[static_cast<std::size_t>(first.backend)].draining = true;
    EXPECT_EQ(p.choose(makeRequest(clientIp(0), "/", cookieFrom(first)), b).kind, DecisionKind::Pinned);
    for (int i = 0; i < 4; ++i)
        EXPECT_NE(p.choose(makeRequest(clientIp(1)), b).backend, first.backend);
}

TEST(CookieAffinity, TokensAreUniqueAcrossManyClients)
{
    CookieAffinityPolicy p("LBLAB_SRV", 1, 300, 100000);
    auto b = makeBackends(4);
    for (std::uint32_t i = 0; i < 5000; ++i)
        p.choose(makeRequest(clientIp(i)), b);
    EXPECT_EQ(p.tableSize(), 5000u);
}

TEST(CookieAffinity, NoBackendWhenAllDown)
{
    auto p = makePolicy();
    auto b = makeBackends(2);
    b[0].up = b[1].up = false;
    Decision d = p.choose(makeRequest(clientIp(0), "/", "LBLAB_SRV=s1-abc"), b);
    EXPECT_EQ(d.backend, -1);
    EXPECT_EQ(d.kind, DecisionKind::NoBackend);
    EXPECT_TRUE(d.setCookie.empty());
}
