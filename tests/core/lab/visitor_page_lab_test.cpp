// A browser at the balancer's address, through real sockets: the lab listening on all interfaces
// (0.0.0.0), the test connecting on loopback only, sending what a browser sends (Accept: text/html,
// a form body, the cookies it was given).

#include "core/config/preset_catalog.h"
#include "core/lab/lab.h"
#include "support/test_http_client.h"
#include "support/wait_for.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

namespace lblab {
namespace {

namespace http = boost::beast::http;

const std::map<std::string, std::string> kBrowser{
    {"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"},
    {"User-Agent", "Mozilla/5.0 (Linux; Android 14) lblab-test"}};

std::map<std::string, std::string> browserForm()
{
    auto h = kBrowser;
    h["Content-Type"] = "application/x-www-form-urlencoded";
    return h;
}

/// A lab open to the network (0.0.0.0, a free port) with a few generated users beside the browser.
LabConfig openLab(const std::string& policy)
{
    LabConfig c = *PresetCatalog::find("round-robin-basics");
    c.policy = policy;
    c.requestRate = 40;
    for (auto& g : c.clients)
        g.count = 10;
    c.listenAddress = "0.0.0.0";
    c.listenPort = 0;
    return c;
}

/// The loopback endpoint of the lab's balancer (the test never dials another address).
boost::asio::ip::tcp::endpoint loopbackOf(const Lab& lab)
{
    return {boost::asio::ip::make_address("127.0.0.1"), lab.balancerPort()};
}

/// The server the page names in large type.
std::string namedServer(const std::string& page)
{
    std::smatch m;
    static const std::regex server(R"(<div class="server">([^<]*)</div>)");
    return std::regex_search(page, m, server) ? m[1].str() : std::string();
}

TEST(VisitorPageLabTest, TheLabOnAllInterfacesIsReachedOnLoopbackByItsOwnUsers)
{
    Lab lab(openLab("round-robin"));
    lab.start();
    EXPECT_EQ(lab.balancerUrl(), "http://127.0.0.1:" + std::to_string(lab.balancerPort()) + "/");
    EXPECT_TRUE(test::waitFor([&] { return lab.fleetStats().answered >= 20; })) << "the generated users get answers";
    lab.stop();
}

TEST(VisitorPageLabTest, ABrowserGetsThePageNamingTheServerThatAnswered)
{
    Lab lab(openLab("round-robin"));
    lab.start();
    test::TestHttpClient browser(loopbackOf(lab));
    std::set<std::string> named;
    for (int i = 0; i < 6; ++i) {
        const auto page = browser.get("/", kBrowser);
        ASSERT_TRUE(page);
        EXPECT_EQ(page->status, 200u);
        EXPECT_EQ(page->contentType, "text/html; charset=utf-8");
        ASSERT_FALSE(page->backend.empty());
        EXPECT_EQ(namedServer(page->body), page->backend) << "the page names the server that answered";
        EXPECT_NE(page->body.find("<span class=\"addr\">127.0.0.1</span>"), std::string::npos)
            << "the visitor's address as the balancer saw it";
        named.insert(page->backend);
    }
    EXPECT_GE(named.size(), 2u) << "round robin: the next press is another server";

    // Not a browser: the answer is what it always was.
    test::TestHttpClient curl(loopbackOf(lab));
    const auto plain = curl.get("/", {{"Accept", "*/*"}});
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->status, 404u);
    EXPECT_EQ(plain->body, "not found\n");

    // The browser is an outside client on the map.
    ASSERT_TRUE(test::waitFor([&] {
        const auto s = lab.publishNow();
        return std::any_of(s->clients.begin(), s->clients.end(), [](const ClientView& c) {
            return c.id == "ext-127.0.0.1" && c.external && c.requests >= 6;
        });
    }));
    lab.stop();
}

TEST(VisitorPageLabTest, LogInThenMyAccountWithTheBrowsersCookiesFindsTheSession)
{
    Lab lab(openLab("cookie-affinity"));
    lab.start();
    test::TestHttpClient browser(loopbackOf(lab));
    ASSERT_TRUE(browser.get("/", kBrowser)); // the balancer's cookie pins the browser, as a first visit would
    const auto login = browser.request(http::verb::post, "/login", browserForm(), "user=visitor");
    ASSERT_TRUE(login);
    EXPECT_EQ(login->status, 200u);
    EXPECT_EQ(login->session, "created");
    EXPECT_EQ(login->contentType, "text/html; charset=utf-8");
    EXPECT_NE(login->body.find("Logged in on " + login->backend + "."), std::string::npos) << login->body;
    const auto account = browser.get("/account", kBrowser);
    ASSERT_TRUE(account);
    EXPECT_EQ(account->status, 200u);
    EXPECT_EQ(account->session, "hit");
    EXPECT_EQ(account->backend, login->backend);
    EXPECT_NE(account->body.find("Your account on " + login->backend + ": session found."), std::string::npos)
        << account->body;
    lab.stop();
}

TEST(VisitorPageLabTest, UnderRoundRobinMyAccountMayLandWhereTheSessionIsMissing)
{
    Lab lab(openLab("round-robin"));
    lab.start();
    test::TestHttpClient browser(loopbackOf(lab));
    std::optional<test::HttpAnswer> login, account;
    for (int attempt = 0; attempt < 20; ++attempt) {
        login = browser.request(http::verb::post, "/login", browserForm(), "user=visitor");
        account = browser.get("/account", kBrowser);
        ASSERT_TRUE(login && account);
        if (account->session == "miss")
            break;
    }
    ASSERT_EQ(account->session, "miss") << "three servers, round robin: some account request lands elsewhere";
    EXPECT_EQ(account->status, 401u);
    EXPECT_NE(account->backend, login->backend);
    const std::string expected = "Session missing on " + account->backend + " (you were logged in on " + login->backend + ").";
    EXPECT_NE(account->body.find(expected), std::string::npos) << account->body;
    EXPECT_EQ(namedServer(account->body), account->backend);
    lab.stop();
}

} // namespace
} // namespace lblab
