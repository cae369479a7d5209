#include "core/backend/request_handler.h"

#include <boost/beast/http/field.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

namespace lblab {
namespace {

namespace http = boost::beast::http;

BackendRequest makeRequest(http::verb verb, std::string target)
{
    BackendRequest req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    return req;
}

TEST(RequestHandlerHelpersTest, FirstForwardedFor)
{
    EXPECT_EQ(firstForwardedFor("10.0.0.1, 127.0.0.1"), "10.0.0.1");
    EXPECT_EQ(firstForwardedFor("  10.0.0.2 "), "10.0.0.2");
    EXPECT_EQ(firstForwardedFor(""), "");
}

TEST(RequestHandlerHelpersTest, Routes)
{
    EXPECT_EQ(routeOf(makeRequest(http::verb::get, "/search?loc=eu")), BackendRoute::Search);
    EXPECT_EQ(routeOf(makeRequest(http::verb::post, "/login")), BackendRoute::Login);
    EXPECT_EQ(routeOf(makeRequest(http::verb::get, "/login")), BackendRoute::MethodNotAllowed);
    EXPECT_EQ(routeOf(makeRequest(http::verb::get, "/account?sid=x")), BackendRoute::Account);
    EXPECT_EQ(routeOf(makeRequest(http::verb::get, "/health")), BackendRoute::Health);
    EXPECT_EQ(routeOf(makeRequest(http::verb::get, "/nope")), BackendRoute::NotFound);
}

TEST(RequestHandlerTest, SearchAnswersJsonWithBackendAndNoSession)
{
    RequestHandler h("s1", "eu", 7);
    auto r = h.handle(makeRequest(http::verb::get, "/search?loc=us"), Clock::now());
    EXPECT_EQ(r.response.result(), http::status::ok);
    EXPECT_EQ(r.response["X-Backend"], "s1");
    EXPECT_EQ(r.response["X-Session"], "none");
    EXPECT_EQ(r.response[http::field::content_length], std::to_string(r.response.body().size()));
    const auto body = nlohmann::json::parse(r.response.body());
    EXPECT_EQ(body["backend"], "s1");
    EXPECT_EQ(body["loc"], "us");
    EXPECT_TRUE(body["results"].is_number_integer());
    EXPECT_EQ(r.session, SessionOutcome::None);
}

TEST(RequestHandlerTest, LoginThenAccountByCookieOrParamHits)
{
    RequestHandler h("s2", "eu", 7);
    auto login = h.handle(makeRequest(http::verb::post, "/login"), Clock::now());
    ASSERT_EQ(login.session, SessionOutcome::Created);
    const std::string id(login.response["X-Session-Id"]);
    EXPECT_EQ(id.rfind("s2-", 0), 0u);
    EXPECT_EQ(login.response[http::field::set_cookie], "SESSIONID=" + id + "; Path=/; HttpOnly");
    EXPECT_EQ(nlohmann::json::parse(login.response.body())["session"], id);

    auto byCookie = makeRequest(http::verb::get, "/account");
    byCookie.set(http::field::cookie, "theme=dark; SESSIONID=" + id);
    auto hit = h.handle(byCookie, Clock::now());
    EXPECT_EQ(hit.response.result(), http::status::ok);
    EXPECT_EQ(hit.response["X-Session"], "hit");
    EXPECT_EQ(hit.session, SessionOutcome::Hit);

    auto byParam = h.handle(makeRequest(http::verb::get, "/account?sid=" + id), Clock::now());
    EXPECT_EQ(byParam.session, SessionOutcome::Hit);
}

TEST(RequestHandlerTest, UnknownOrAbsentSessionMisses)
{
    RequestHandler h("s1", "eu", 7);
    auto none = h.handle(makeRequest(http::verb::get, "/account"), Clock::now());
    EXPECT_EQ(none.response.result(), http::status::unauthorized);
    EXPECT_EQ(none.response["X-Session"], "miss");
    auto unknown = h.handle(makeRequest(http::verb::get, "/account?sid=s9-0000"), Clock::now());
    EXPECT_EQ(unknown.session, SessionOutcome::Miss);
}

TEST(RequestHandlerTest, SessionIdsAreUniqueAcrossHandlers)
{
    RequestHandler a("s1", "eu", 1);
    RequestHandler b("s1", "eu", 1); // same name and seed on purpose
    std::set<std::string> ids;
    for (int i = 0; i < 1000; ++i) {
        ids.insert(a.newSessionId());
        ids.insert(b.newSessionId());
    }
    EXPECT_EQ(ids.size(), 2000u);
}

TEST(RequestHandlerTest, PeersAreDistinctAndBounded)
{
    RequestHandler h("s1", "eu", 1, 100, 3);
    for (const char* xff : {"10.0.0.1, 127.0.0.1", "10.0.0.2", "10.0.0.1", ""}) {
        auto req = makeRequest(http::verb::get, "/search");
        req.set("X-Forwarded-For", xff);
        h.recordPeer(req);
    }
    h.recordPeer(makeRequest(http::verb::get, "/search")); // no header: not counted
    EXPECT_EQ(h.distinctPeers(), 2u);
    for (const char* xff : {"10.0.0.3", "10.0.0.4", "10.0.0.5"}) {
        auto req = makeRequest(http::verb::get, "/search");
        req.set("X-Forwarded-For", xff);
        h.recordPeer(req);
    }
    EXPECT_EQ(h.distinctPeers(), 3u);
}

TEST(RequestHandlerTest, NotFoundAndBadRequestCarryBackendAndLength)
{
    RequestHandler h("s3", "eu", 1);
    auto nf = h.handle(makeRequest(http::verb::get, "/nope"), Clock::now());
    EXPECT_EQ(nf.response.result(), http::status::not_found);
    EXPECT_EQ(nf.response["X-Backend"], "s3");
    EXPECT_TRUE(nf.response.keep_alive());
    auto bad = h.badRequest("bad method");
    EXPECT_EQ(bad.result(), http::status::bad_request);
    EXPECT_EQ(bad["X-Backend"], "s3");
    EXPECT_FALSE(bad.keep_alive());
    EXPECT_EQ(bad[http::field::content_length], std::to_string(bad.body().size()));
}

TEST(RequestHandlerTest, Http10WithoutKeepAliveCloses)
{
    RequestHandler h("s1", "eu", 1);
    BackendRequest req{http::verb::get, "/search", 10};
    EXPECT_FALSE(h.handle(req, Clock::now()).response.keep_alive());
}

} // namespace
} // namespace lblab
