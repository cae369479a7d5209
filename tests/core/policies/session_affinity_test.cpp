#include "core/policies/session_affinity.h"
#include "core/policies/policy_test_util.h"

#include <gtest/gtest.h>

#include <array>

using namespace lblab;
using namespace lblab::test;

namespace {

/// Feeds `p` a response from `backend` setting the given cookies.
template <std::size_t N>
void respond(Policy& p, const RequestView& r, const Decision& d, int backend,
             const std::array<std::string_view, N>& cookies)
{
    ResponseView resp;
    resp.backend = backend;
    resp.status = 200;
    resp.setCookies = cookies;
    p.observeResponse(r, d, resp);
}

} // namespace

TEST(SessionAffinity, UnknownSessionsRotateWithoutPinning)
{
    SessionAffinityPolicy p("SESSIONID", 300, 1000);
    auto b = makeBackends(3);
    std::vector<int> picks;
    for (int i = 0; i < 3; ++i) {
        Decision d = p.choose(makeRequest(clientIp(0), "/", i == 0 ? "" : "SESSIONID=never-seen"), b);
        EXPECT_EQ(d.kind, DecisionKind::RoundRobin);
        picks.push_back(d.backend);
    }
    EXPECT_EQ(picks, (std::vector<int>{0, 1, 2}));
    EXPECT_EQ(p.tableSize(), 0u);
}

TEST(SessionAffinity, LearnsFromLoginSetCookieAndFollowsIt)
{
    SessionAffinityPolicy p("SESSIONID", 300, 1000);
    auto b = makeBackends(3);
    auto login = makeRequest(clientIp(0), "/login");
    p.choose(makeRequest(clientIp(9)), b); // someone else takes s1
    Decision d = p.choose(login, b);
    ASSERT_EQ(d.backend, 1);
    respond<2>(p, login, d, 1, {"theme=dark; Path=/", "SESSIONID=abc123; Path=/; HttpOnly"});
    ASSERT_TRUE(p.lookup("abc123"));
    EXPECT_EQ(p.lookup("abc123")->backend, 1);
    // Later requests carrying the id, even from another address, stick to s2.
    for (std::uint32_t ip = 20; ip < 25; ++ip) {
        Decision next = p.choose(makeRequest(clientIp(ip), "/account", "a=b; SESSIONID=abc123"), b);
        EXPECT_EQ(next.kind, DecisionKind::Pinned);
        EXPECT_EQ(next.backend, 1);
        EXPECT_EQ(next.key, "abc123");
    }
    EXPECT_EQ(p.lookup("abc123")->hits, 5u);
}

TEST(SessionAffinity, PinnedServerDownRepins)
{
    SessionAffinityPolicy p("SESSIONID", 300, 1000);
    auto b = makeBackends(3);
    auto r = makeRequest(clientIp(0), "/login");
    respond<1>(p, r, Decision{}, 0, {"SESSIONID=s-1"});
    b[0].up = false;
    Decision d = p.choose(makeRequest(clientIp(0), "/account", "SESSIONID=s-1"), b);
    EXPECT_EQ(d.kind, DecisionKind::Repinned);
    EXPECT_NE(d.backend, 0);
    EXPECT_EQ(p.repins(), 1u);
    EXPECT_EQ(p.lookup("s-1")->backend, d.backend);
}

TEST(SessionAffinity, LogoutDeletionForgetsTheSession)
{
    SessionAffinityPolicy p("SESSIONID", 300, 1000);
    auto b = makeBackends(2);
    auto login = makeRequest(clientIp(0), "/login");
    respond<1>(p, login, Decision{}, 1, {"SESSIONID=zz"});
    EXPECT_EQ(p.tableSize(), 1u);
    auto logout = makeRequest(clientIp(0), "/logout", "SESSIONID=zz");
    Decision d = p.choose(logout, b);
    respond<1>(p, logout, d, d.backend, {"SESSIONID=; Max-Age=0; Path=/"});
    EXPECT_EQ(p.tableSize(), 0u);
}

TEST(SessionAffinity, IgnoresOtherCookiesAndFailedResponses)
{
    SessionAffinityPolicy p("SESSIONID", 300, 1000);
    auto r = makeRequest(clientIp(0), "/");
    respond<2>(p, r, Decision{}, 0, {"OTHER=1", "garbage"});
    respond<1>(p, r, Decision{}, -1, {"SESSIONID=x"});
    EXPECT_EQ(p.tableSize(), 0u);
}

TEST(SessionAffinity, NoBackendWhenAllDown)
{
    SessionAffinityPolicy p("SESSIONID", 300, 1000);
    auto b = makeBackends(2);
    b[0].up = b[1].up = false;
    Decision d = p.choose(makeRequest(clientIp(0), "/", "SESSIONID=q"), b);
    EXPECT_EQ(d.backend, -1);
    EXPECT_EQ(d.kind, DecisionKind::NoBackend);
}
