// Client-side sessions in the backend: the login signs user + expiry into the cookie, every server
// that shares the key accepts it, and a changed, expired or malformed one is refused with 401.

#include "core/backend/request_handler.h"
#include "core/store/session_signer.h"

#include <boost/beast/http/field.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>

namespace lblab {
namespace {

namespace http = boost::beast::http;

BackendRequest request(http::verb verb, std::string target, std::string cookie = {}, std::string body = {})
{
    BackendRequest req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!cookie.empty())
        req.set(http::field::cookie, cookie);
    if (!body.empty()) {
        req.set(http::field::content_type, "application/x-www-form-urlencoded");
        req.body() = body;
        req.prepare_payload();
    }
    return req;
}

std::int64_t unixNow()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class SignedSessionsTest : public ::testing::Test {
protected:
    std::shared_ptr<const SessionSigner> signer = std::make_shared<SessionSigner>(SessionSigner::withRandomKey());
    RequestHandler s1{"s1", "eu", 1};
    RequestHandler s2{"s2", "eu", 2};

    void SetUp() override
    {
        s1.useStore(SessionStoreKind::Client, signer);
        s2.useStore(SessionStoreKind::Client, signer);
    }

    /// Logs in on s1 and returns the cookie ("SESSIONID=<token>").
    std::string login(const std::string& user = "c17")
    {
        auto r = s1.handle(request(http::verb::post, "/login", {}, "user=" + user), Clock::now());
        EXPECT_EQ(r.response.result(), http::status::ok);
        EXPECT_EQ(r.session, SessionOutcome::Created);
        const std::string setCookie(r.response[http::field::set_cookie]);
        return setCookie.substr(0, setCookie.find(';'));
    }
};

TEST_F(SignedSessionsTest, LoginSetsAnHttpOnlySameSiteLaxCookieHoldingTheSignedUser)
{
    auto r = s1.handle(request(http::verb::post, "/login", {}, "user=c17"), Clock::now());
    const std::string setCookie(r.response[http::field::set_cookie]);
    EXPECT_NE(setCookie.find("; HttpOnly"), std::string::npos) << setCookie;
    EXPECT_NE(setCookie.find("; SameSite=Lax"), std::string::npos) << setCookie;
    const std::string token = setCookie.substr(std::string("SESSIONID=").size(), setCookie.find(';') - 10);
    std::string user;
    EXPECT_EQ(signer->verify(token, unixNow(), &user), SessionSigner::Verdict::Valid);
    EXPECT_EQ(user, "c17");
    ASSERT_TRUE(r.storeUs.has_value()); // signing is the store's cost, measured
    EXPECT_EQ(s1.sessions().size(), 0u) << "a signed session is kept by no server";
}

TEST_F(SignedSessionsTest, AnyServerWithTheKeyAcceptsTheCookie)
{
    const std::string cookie = login();
    for (RequestHandler* h : {&s1, &s2}) {
        auto r = h->handle(request(http::verb::get, "/account", cookie), Clock::now());
        EXPECT_EQ(r.response.result(), http::status::ok) << h->name();
        EXPECT_EQ(r.response["X-Session"], "hit");
        EXPECT_EQ(r.session, SessionOutcome::Hit);
        EXPECT_EQ(r.tokenBytes, cookie.size()) << "the cookie's bytes are the cost on every request";
        EXPECT_EQ(nlohmann::json::parse(r.response.body())["session"], "c17");
    }
}

TEST_F(SignedSessionsTest, OneChangedCharacterIsRefusedAsInvalid)
{
    std::string cookie = login();
    const std::size_t at = cookie.size() - 3; // inside the signature
    cookie[at] = cookie[at] == 'A' ? 'B' : 'A';
    auto r = s2.handle(request(http::verb::get, "/account", cookie), Clock::now());
    EXPECT_EQ(r.response.result(), http::status::unauthorized);
    EXPECT_EQ(r.response["X-Session"], "invalid");
    EXPECT_EQ(r.session, SessionOutcome::Invalid);
    EXPECT_EQ(nlohmann::json::parse(r.response.body())["error"], "tampered session token");
}

TEST_F(SignedSessionsTest, AChangedUserIsRefusedEvenWithAGenuineSignature)
{
    const std::string cookie = login("c17");
    std::string forged = cookie;
    forged.replace(forged.find("c17"), 3, "c18");
    auto r = s1.handle(request(http::verb::get, "/account", forged), Clock::now());
    EXPECT_EQ(r.session, SessionOutcome::Invalid);
}

TEST_F(SignedSessionsTest, ExpiredAndMalformedTokensAreRefusedAndNamed)
{
    const std::string expired = "SESSIONID=" + signer->sign("c17", unixNow() - 5);
    auto r = s1.handle(request(http::verb::get, "/account", expired), Clock::now());
    EXPECT_EQ(r.session, SessionOutcome::Invalid);
    EXPECT_EQ(nlohmann::json::parse(r.response.body())["error"], "expired session token");

    r = s1.handle(request(http::verb::get, "/account", "SESSIONID=not-a-token"), Clock::now());
    EXPECT_EQ(r.session, SessionOutcome::Invalid);
    EXPECT_EQ(nlohmann::json::parse(r.response.body())["error"], "malformed session token");
}

TEST_F(SignedSessionsTest, AnotherRunsKeyIsRefused)
{
    const SessionSigner other = SessionSigner::withRandomKey();
    auto r = s1.handle(request(http::verb::get, "/account", "SESSIONID=" + other.sign("c17", unixNow() + 60)),
                       Clock::now());
    EXPECT_EQ(r.session, SessionOutcome::Invalid);
}

TEST_F(SignedSessionsTest, NoCookieIsAMissNotAnInvalidToken)
{
    auto r = s1.handle(request(http::verb::get, "/account"), Clock::now());
    EXPECT_EQ(r.response.result(), http::status::unauthorized);
    EXPECT_EQ(r.session, SessionOutcome::Miss);
}

TEST_F(SignedSessionsTest, AnUnusableUserNameIsSignedAsUser)
{
    EXPECT_EQ(loginUser(request(http::verb::post, "/login", {}, "user=c%2017")), "user");
    EXPECT_EQ(loginUser(request(http::verb::post, "/login")), "user");
    EXPECT_EQ(loginUser(request(http::verb::post, "/login", {}, "x=1&user=c9")), "c9");
}

TEST(SignedSessionsSetupTest, ClientStoreWithoutASignerIsRefused)
{
    RequestHandler h("s1", "eu", 1);
    EXPECT_THROW(h.useStore(SessionStoreKind::Client, nullptr), std::invalid_argument);
}

} // namespace
} // namespace lblab
