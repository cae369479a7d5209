#include "core/policies/url_param_affinity.h"
#include "core/policies/policy_test_util.h"

#include <gtest/gtest.h>

#include <array>

using namespace lblab;
using namespace lblab::test;

namespace {

void login(Policy& p, int backend, std::string_view setCookie)
{
    std::array<std::string_view, 1> cookies{setCookie};
    ResponseView resp;
    resp.backend = backend;
    resp.status = 200;
    resp.setCookies = cookies;
    p.observeResponse(makeRequest(clientIp(0), "/login"), Decision{}, resp);
}

} // namespace

TEST(UrlParamAffinity, ReadsSidFromTheUrl)
{
    UrlParamAffinityPolicy p("sid", "SESSIONID", 300, 1000);
    auto b = makeBackends(3);
    login(p, 2, "SESSIONID=abc; Path=/");
    for (std::string_view target : {"/account?sid=abc", "/cart?x=1&sid=abc", "/a?sid=abc&sid=zzz"}) {
        Decision d = p.choose(makeRequest(clientIp(1), target), b);
        EXPECT_EQ(d.kind, DecisionKind::Pinned) << target;
        EXPECT_EQ(d.backend, 2) << target;
        EXPECT_EQ(d.key, "abc");
    }
}

TEST(UrlParamAffinity, AnEncodedIdIsTheSameSessionAsTheBackendSeesIt)
{
    // The backend decodes ?sid= (core/base/query_string.h); the policy must key on the same text.
    UrlParamAffinityPolicy p("sid", "SESSIONID", 300, 1000);
    auto b = makeBackends(3);
    login(p, 1, "SESSIONID=a b");
    const Decision d = p.choose(makeRequest(clientIp(1), "/account?sid=a%20b"), b);
    EXPECT_EQ(d.kind, DecisionKind::Pinned);
    EXPECT_EQ(d.backend, 1);
    EXPECT_EQ(d.key, "a b");
}

TEST(UrlParamAffinity, IgnoresTheCookieAndUnknownIds)
{
    UrlParamAffinityPolicy p("sid", "SESSIONID", 300, 1000);
    auto b = makeBackends(3);
    login(p, 2, "SESSIONID=abc");
    // The id only in a cookie does not count for this policy.
    EXPECT_EQ(p.choose(makeRequest(clientIp(1), "/account", "SESSIONID=abc"), b).kind, DecisionKind::RoundRobin);
    EXPECT_EQ(p.choose(makeRequest(clientIp(1), "/account?sid=nope"), b).kind, DecisionKind::RoundRobin);
    EXPECT_EQ(p.choose(makeRequest(clientIp(1), "/account?xsid=abc"), b).kind, DecisionKind::RoundRobin);
    EXPECT_EQ(p.choose(makeRequest(clientIp(1), "/account?sid="), b).kind, DecisionKind::RoundRobin);
}

TEST(UrlParamAffinity, DownServerRepins)
{
    UrlParamAffinityPolicy p("sid", "SESSIONID", 300, 1000);
    auto b = makeBackends(2);
    login(p, 1, "SESSIONID=k");
    b[1].up = false;
    Decision d = p.choose(makeRequest(clientIp(1), "/x?sid=k"), b);
    EXPECT_EQ(d.kind, DecisionKind::Repinned);
    EXPECT_EQ(d.backend, 0);
    EXPECT_EQ(p.repins(), 1u);
}
