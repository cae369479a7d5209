#include "core/fleet/user_script.h"

#include <gtest/gtest.h>

using namespace lblab;
namespace http = boost::beast::http;

namespace {
http::response_header<> answer(unsigned status)
{
    http::response_header<> h;
    h.result(status);
    return h;
}
} // namespace

TEST(UserScript, AnonymousSearchesItsRegionWithIdentityHeaders)
{
    UserScript user("c7", ClientBehaviour::Anonymous, SessionCarrier::Cookie, "us west");
    const auto req = user.nextRequest("127.0.0.1:8080");
    EXPECT_EQ(req.method(), http::verb::get);
    EXPECT_EQ(req.target(), "/search?loc=us%20west");
    EXPECT_EQ(req[http::field::host], "127.0.0.1:8080");
    EXPECT_EQ(req["X-LBLab-Client"], "c7");
    EXPECT_EQ(req["X-Region"], "us west");
    EXPECT_TRUE(req.keep_alive());
    EXPECT_EQ(req.count(http::field::cookie), 0u);
}

TEST(UserScript, AnonymousSendsBalancerCookieBack)
{
    UserScript user("c1", ClientBehaviour::Anonymous, SessionCarrier::Cookie, "eu");
    user.nextRequest("lb");
    auto h = answer(200);
    h.insert(http::field::set_cookie, "LBLAB_SRV=s2; Path=/");
    user.onResponse(h);
    EXPECT_EQ(user.nextRequest("lb")[http::field::cookie], "LBLAB_SRV=s2");
}

TEST(UserScript, LoginThenAccountWithCookieAndReloginAfter401)
{
    UserScript user("c0", ClientBehaviour::Login, SessionCarrier::Cookie, "eu");
    auto login = user.nextRequest("lb");
    EXPECT_EQ(login.method(), http::verb::post);
    EXPECT_EQ(login.target(), "/login");
    EXPECT_EQ(login[http::field::content_length], std::to_string(login.body().size()));

    auto ok = answer(200);
    ok.insert(http::field::set_cookie, "SESSIONID=s-1; Path=/");
    user.onResponse(ok);
    EXPECT_EQ(user.phase(), UserScript::Phase::LoggedIn);

    auto account = user.nextRequest("lb");
    EXPECT_EQ(account.target(), "/account");
    EXPECT_EQ(account[http::field::cookie], "SESSIONID=s-1");
    user.onResponse(answer(200));
    EXPECT_EQ(user.nextRequest("lb").target(), "/account");

    user.onResponse(answer(401));
    EXPECT_EQ(user.phase(), UserScript::Phase::NeedLogin);
    EXPECT_EQ(user.nextRequest("lb").target(), "/login");
    EXPECT_EQ(user.logins(), 2u);
}

TEST(UserScript, FailedLoginOrFailureKeepsTryingToLogIn)
{
    UserScript user("c0", ClientBehaviour::Login, SessionCarrier::Cookie, "eu");
    user.nextRequest("lb");
    user.onResponse(answer(503));
    EXPECT_EQ(user.nextRequest("lb").target(), "/login");
    user.onFailure();
    EXPECT_EQ(user.nextRequest("lb").target(), "/login");
    // A 401 to a login is not a lost session; a 500 to /account is not either.
    user.onResponse(answer(200));
    user.nextRequest("lb");
    user.onResponse(answer(500));
    EXPECT_EQ(user.phase(), UserScript::Phase::LoggedIn);
}

TEST(UserScript, UrlParamCarrierUsesSidAndNeverCookies)
{
    UserScript user("c3", ClientBehaviour::Login, SessionCarrier::UrlParam, "eu");
    user.nextRequest("lb");
    auto ok = answer(200);
    ok.insert(http::field::set_cookie, "SESSIONID=s-9; Path=/");
    ok.insert("X-Session-Id", "s-9");
    user.onResponse(ok);
    const auto account = user.nextRequest("lb");
    EXPECT_EQ(account.target(), "/account?sid=s-9");
    EXPECT_EQ(account.count(http::field::cookie), 0u);
    EXPECT_EQ(user.cookies().size(), 0u);
    user.onResponse(answer(401));
    EXPECT_TRUE(user.sessionId().empty());
    EXPECT_EQ(user.nextRequest("lb").target(), "/login");
}

TEST(UserScript, UrlParamFallsBackToSessionCookieValue)
{
    UserScript user("c3", ClientBehaviour::Login, SessionCarrier::UrlParam, "eu");
    user.nextRequest("lb");
    auto ok = answer(200);
    ok.insert(http::field::set_cookie, "SESSIONID=from-cookie");
    user.onResponse(ok);
    EXPECT_EQ(user.nextRequest("lb").target(), "/account?sid=from-cookie");

    UserScript none("c4", ClientBehaviour::Login, SessionCarrier::UrlParam, "eu");
    none.nextRequest("lb");
    none.onResponse(answer(200));
    EXPECT_EQ(none.nextRequest("lb").target(), "/login");
}
