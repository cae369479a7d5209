#include "core/backend/request_handler.h"
#include "core/backend/visitor_page.h"

#include <boost/beast/http/field.hpp>
#include <gtest/gtest.h>

namespace lblab {
namespace {

namespace http = boost::beast::http;

constexpr const char* kBrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

BackendRequest browserRequest(http::verb verb, std::string target, std::string cookie = {})
{
    BackendRequest req{verb, target, 11};
    req.set(http::field::host, "192.168.1.23:8080");
    req.set(http::field::accept, kBrowserAccept);
    req.set("X-Forwarded-For", "192.168.1.57");
    if (!cookie.empty())
        req.set(http::field::cookie, cookie);
    if (verb == http::verb::post) {
        req.set(http::field::content_type, "application/x-www-form-urlencoded");
        req.body() = "user=visitor";
    }
    req.prepare_payload();
    return req;
}

TEST(VisitorPageTest, OnlyABrowserNavigationWantsHtml)
{
    BackendRequest req{http::verb::get, "/", 11};
    EXPECT_FALSE(wantsHtml(req)) << "the fleet sends no Accept";
    req.set(http::field::accept, "*/*");
    EXPECT_FALSE(wantsHtml(req)) << "curl";
    req.set(http::field::accept, "application/json");
    EXPECT_FALSE(wantsHtml(req));
    req.set(http::field::accept, "text/html;q=0, */*");
    EXPECT_FALSE(wantsHtml(req));
    req.set(http::field::accept, kBrowserAccept);
    EXPECT_TRUE(wantsHtml(req));
    req.set(http::field::accept, "application/xml, TEXT/HTML ;q=0.5");
    EXPECT_TRUE(wantsHtml(req));
}

TEST(VisitorPageTest, SessionOriginIsTheNameTheBackendGaveTheId)
{
    EXPECT_EQ(sessionOrigin("s2-7f3a9c01e2d4b6a8"), "s2");
    EXPECT_EQ(sessionOrigin("eu-west-1-7f3a9c01e2d4b6a8"), "eu-west-1");
    EXPECT_EQ(sessionOrigin("s2-7f3a9c01"), "");
    EXPECT_EQ(sessionOrigin("eyJ1IjoidXNlciJ9.abc-def"), "") << "a signed token names no server";
    EXPECT_EQ(sessionOrigin("-7f3a9c01e2d4b6a8"), "");
}

TEST(VisitorPageTest, EverythingInterpolatedIsEscaped)
{
    EXPECT_EQ(VisitorPage::escape(R"(<b a="1">'x' & y</b>)"), "&lt;b a=&quot;1&quot;&gt;&#39;x&#39; &amp; y&lt;/b&gt;");
    VisitorPage::Content c;
    c.server = "<script>alert(1)</script>";
    c.visitor = "\"><img src=x>";
    c.outcome = SessionOutcome::Miss;
    c.hadSession = true;
    c.sessionFrom = "s<2>";
    const std::string page = VisitorPage::html(c);
    EXPECT_EQ(page.find("<script>"), std::string::npos);
    EXPECT_EQ(page.find("<img"), std::string::npos);
    EXPECT_EQ(page.find("s<2>"), std::string::npos);
    EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
}

TEST(VisitorPageTest, ThePageIsSelfContainedAndMadeForPhones)
{
    VisitorPage::Content c;
    c.server = "s2";
    c.region = "eu";
    c.visitor = "192.168.1.57";
    const std::string page = VisitorPage::html(c);
    EXPECT_NE(page.find("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"), std::string::npos);
    EXPECT_NE(page.find("<div class=\"server\">s2</div>"), std::string::npos);
    EXPECT_NE(page.find("192.168.1.57"), std::string::npos);
    EXPECT_NE(page.find("<form method=\"post\" action=\"/login\">"), std::string::npos);
    EXPECT_NE(page.find("<form method=\"get\" action=\"/account\">"), std::string::npos);
    EXPECT_EQ(page.find("<script"), std::string::npos);
    EXPECT_EQ(page.find("src="), std::string::npos);
    EXPECT_EQ(page.find("http"), std::string::npos) << "no outside resource";
}

TEST(VisitorPageTest, ResultSaysWhatTheSessionEndpointDid)
{
    VisitorPage::Content c;
    c.server = "s3";
    EXPECT_EQ(VisitorPage::resultText(c), "");
    c.outcome = SessionOutcome::Created;
    EXPECT_EQ(VisitorPage::resultText(c), "Logged in on s3.");
    c.outcome = SessionOutcome::Hit;
    EXPECT_EQ(VisitorPage::resultText(c), "Your account on s3: session found.");
    c.outcome = SessionOutcome::Miss;
    EXPECT_EQ(VisitorPage::resultText(c), "Session missing on s3: you are not logged in.");
    c.hadSession = true;
    c.sessionFrom = "s2";
    EXPECT_EQ(VisitorPage::resultText(c), "Session missing on s3 (you were logged in on s2).");
    c.outcome = SessionOutcome::None;
    EXPECT_EQ(VisitorPage::resultText(c), "You are logged in on s2.");
}

TEST(VisitorPageTest, ABrowserAtSlashGetsThePageOthersStillGetNotFound)
{
    RequestHandler h("s2", "eu", 1);
    const auto page = h.handle(browserRequest(http::verb::get, "/"), Clock::now());
    EXPECT_EQ(page.response.result(), http::status::ok);
    EXPECT_EQ(page.response[http::field::content_type], "text/html; charset=utf-8");
    EXPECT_EQ(page.response["X-Backend"], "s2");
    EXPECT_NE(page.response.body().find("<div class=\"server\">s2</div>"), std::string::npos);
    EXPECT_NE(page.response.body().find("192.168.1.57"), std::string::npos);

    BackendRequest curl{http::verb::get, "/", 11};
    curl.set(http::field::accept, "*/*");
    const auto notFound = h.handle(curl, Clock::now());
    EXPECT_EQ(notFound.response.result(), http::status::not_found);
    EXPECT_EQ(notFound.response.body(), "not found\n");
    EXPECT_EQ(routeOf(browserRequest(http::verb::post, "/")), BackendRoute::NotFound)
        << "only GET / is the page; anything else at / is what it was";
}

TEST(VisitorPageTest, ABrowserLoginAndAccountAnswerAsThePageWithTheSameSessionFields)
{
    RequestHandler s2("s2", "eu", 1);
    RequestHandler s3("s3", "eu", 2);
    const auto login = s2.forBrowser(browserRequest(http::verb::post, "/login"),
                                     s2.handle(browserRequest(http::verb::post, "/login"), Clock::now()));
    EXPECT_EQ(login.response.result(), http::status::ok);
    EXPECT_EQ(login.session, SessionOutcome::Created);
    EXPECT_EQ(login.response["X-Session"], "created");
    EXPECT_EQ(login.response[http::field::content_type], "text/html; charset=utf-8");
    const std::string id(login.response["X-Session-Id"]);
    ASSERT_FALSE(id.empty());
    EXPECT_EQ(login.response[http::field::set_cookie], "SESSIONID=" + id + "; Path=/; HttpOnly");
    EXPECT_NE(login.response.body().find("Logged in on s2."), std::string::npos);

    const auto accountReq = browserRequest(http::verb::get, "/account", "SESSIONID=" + id);
    const auto found = s2.forBrowser(accountReq, s2.handle(accountReq, Clock::now()));
    EXPECT_EQ(found.response.result(), http::status::ok);
    EXPECT_EQ(found.response["X-Session"], "hit");
    EXPECT_NE(found.response.body().find("Your account on s2: session found."), std::string::npos);

    const auto missing = s3.forBrowser(accountReq, s3.handle(accountReq, Clock::now()));
    EXPECT_EQ(missing.response.result(), http::status::unauthorized);
    EXPECT_EQ(missing.session, SessionOutcome::Miss);
    EXPECT_EQ(missing.response["X-Session"], "miss");
    EXPECT_NE(missing.response.body().find("Session missing on s3 (you were logged in on s2)."), std::string::npos);
}

TEST(VisitorPageTest, OtherClientsGetTheAnswerAsItWas)
{
    RequestHandler s2("s2", "eu", 1);
    BackendRequest req{http::verb::post, "/login", 11};
    req.set(http::field::accept, "*/*");
    auto answer = s2.handle(req, Clock::now());
    const std::string body = answer.response.body();
    const auto same = s2.forBrowser(req, std::move(answer));
    EXPECT_EQ(same.response.body(), body);
    EXPECT_EQ(same.response[http::field::content_type], "application/json");
    const auto search = browserRequest(http::verb::get, "/search?loc=eu");
    const auto json = s2.forBrowser(search, s2.handle(search, Clock::now()));
    EXPECT_EQ(json.response[http::field::content_type], "application/json") << "only the session endpoints become the page";
}

} // namespace
} // namespace lblab
