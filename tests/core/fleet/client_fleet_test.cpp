#include "core/fleet/client_fleet.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace lblab;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

/// One request as the test server saw it.
struct Seen {
    std::string peer;
    std::string client;
    std::string region;
    std::string method;
    std::string target;
    std::string cookie;
    bool hasCookie = false;
};

/// A tiny backend-like HTTP server on 127.0.0.1: /login makes a session (cookie + X-Session-Id),
/// /account answers `accountStatus`, every answer names one of three backends in X-Backend.
/// In hang mode it reads requests and never answers.
class TestServer {
public:
    explicit TestServer(asio::io_context& io)
        : m_io(io)
        , m_acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0))
    {
        asio::co_spawn(io, accept(), asio::detached);
    }

    std::uint16_t port() const { return m_acceptor.local_endpoint().port(); }

    void stop()
    {
        asio::post(m_io, [this] {
            m_stopped = true;
            beast::error_code ec;
            m_acceptor.close(ec);
            for (auto& weak : m_streams)
                if (auto s = weak.lock())
                    s->close();
        });
    }

    std::vector<Seen> seen() const
    {
        std::lock_guard lock(m_mutex);
        return m_seen;
    }
    std::size_t count() const
    {
        std::lock_guard lock(m_mutex);
        return m_seen.size();
    }

    std::atomic<unsigned> accountStatus{200};
    std::atomic<bool> hang{false};
    std::atomic<bool> closeAfterAnswer{false};
    std::atomic<int> connections{0};

private:
    asio::awaitable<void> accept()
    {
        while (!m_stopped) {
            beast::error_code ec;
            tcp::socket socket = co_await m_acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                if (ec == asio::error::operation_aborted || m_stopped)
                    co_return;
                // e.g. EMFILE: do not spin.
                asio::steady_timer t(m_io, 10ms);
                co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                continue;
            }
            ++connections;
            auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
            m_streams.push_back(stream);
            asio::co_spawn(m_io, session(stream), asio::detached);
        }
    }

    asio::awaitable<void> session(std::shared_ptr<beast::tcp_stream> stream)
    {
        beast::flat_buffer buffer;
        beast::error_code ec;
        const std::string peer = stream->socket().remote_endpoint(ec).address().to_string();
        while (!m_stopped) {
            stream->expires_after(10s);
            http::request<http::string_body> req;
            co_await http::async_read(*stream, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
            if (ec)
                co_return;
            Seen s;
            s.peer = peer;
            s.client = std::string(req["X-LBLab-Client"]);
            s.region = std::string(req["X-Region"]);
            s.method = std::string(req.method_string());
            s.target = std::string(req.target());
            s.hasCookie = req.count(http::field::cookie) > 0;
            s.cookie = std::string(req[http::field::cookie]);
            std::size_t n;
            {
                std::lock_guard lock(m_mutex);
                m_seen.push_back(s);
                n = m_seen.size();
            }
            if (hang) {
                // Never answer; wait for the client to give up or for stop().
                char sink[256];
                for (;;) {
                    co_await stream->socket().async_read_some(asio::buffer(sink),
                                                              asio::redirect_error(asio::use_awaitable, ec));
                    if (ec)
                        co_return;
                }
            }
            http::response<http::string_body> res{http::status::ok, req.version()};
            res.set("X-Backend", "b" + std::to_string(n % 3));
            const std::string path = s.target.substr(0, s.target.find('?'));
            if (path == "/login") {
                const std::string sid = "s-" + std::to_string(n);
                res.set(http::field::set_cookie, "SESSIONID=" + sid + "; Path=/");
                res.set("X-Session-Id", sid);
            } else if (path == "/account") {
                res.result(accountStatus.load());
            }
            res.body() = "ok";
            res.keep_alive(req.keep_alive());
            res.prepare_payload();
            co_await http::async_write(*stream, res, asio::redirect_error(asio::use_awaitable, ec));
            if (ec || !req.keep_alive())
                co_return;
            if (closeAfterAnswer) {
                // Promised keep-alive, then closes anyway: the client's next write meets a dead socket.
                stream->close();
                co_return;
            }
        }
    }

    asio::io_context& m_io;
    tcp::acceptor m_acceptor;
    std::vector<std::weak_ptr<beast::tcp_stream>> m_streams;
    bool m_stopped = false;
    mutable std::mutex m_mutex;
    std::vector<Seen> m_seen;
};

/// The io_context on its own thread, the server, and a bounded way to stop both.
class Harness {
public:
    Harness() = default;
    ~Harness()
    {
        if (m_thread.joinable()) {
            io.stop();
            m_thread.join();
        }
    }

    void run()
    {
        m_done = m_finished.get_future();
        m_thread = std::thread([this] {
            io.run();
            m_finished.set_value();
        });
    }

    /// Stops fleet and server; true if io_context::run returned within `limit` (nothing left pending).
    bool finish(ClientFleet& fleet, std::chrono::milliseconds limit = 2000ms)
    {
        fleet.stop();
        server.stop();
        const bool drained = m_done.wait_for(limit) == std::future_status::ready;
        if (!drained)
            io.stop();
        m_thread.join();
        return drained;
    }

    ClientFleet::Options options(std::vector<ClientGroupSpec> groups, double rate)
    {
        ClientFleet::Options o;
        o.balancer = tcp::endpoint(asio::ip::address_v4::loopback(), server.port());
        o.groups = std::move(groups);
        o.regions = {"eu", "us"};
        o.requestRate = rate;
        o.seed = 11;
        o.requestTimeoutSeconds = 2;
        return o;
    }

    asio::io_context io;
    TestServer server{io};

private:
    std::thread m_thread;
    std::promise<void> m_finished;
    std::future<void> m_done;
};

ClientGroupSpec group(std::string name, int count, ClientBehaviour behaviour = ClientBehaviour::Anonymous)
{
    ClientGroupSpec g;
    g.name = std::move(name);
    g.count = count;
    g.behaviour = behaviour;
    return g;
}

std::map<std::string, std::vector<Seen>> byClient(const std::vector<Seen>& seen)
{
    std::map<std::string, std::vector<Seen>> out;
    for (const Seen& s : seen)
        out[s.client].push_back(s);
    return out;
}

bool startsWith(const std::string& s, std::string_view prefix)
{
    return s.rfind(prefix, 0) == 0;
}

} // namespace

TEST(ClientFleet, RosterIsReadyAtConstruction)
{
    asio::io_context io;
    ClientFleet::Options o;
    o.groups = {group("a", 3), group("b", 2)};
    o.groups[1].natGroupSize = 2;
    ClientFleet fleet(io, o);
    const auto& roster = fleet.roster();
    ASSERT_EQ(roster.size(), 5u);
    EXPECT_EQ(roster[0].id, "c0");
    EXPECT_EQ(roster[4].id, "c4");
    EXPECT_EQ(roster[3].group, "b");
    EXPECT_EQ(formatIpv4(roster[0].ip), "127.1.0.1");
    EXPECT_EQ(formatIpv4(roster[2].ip), "127.1.0.3");
    EXPECT_EQ(roster[3].ip, roster[4].ip);
}

TEST(ClientFleet, OpenLoopLoadFromManyAddresses)
{
    Harness h;
    const double rate = 300;
    ClientFleet fleet(h.io, h.options({group("web", 50)}, rate));
    fleet.start();
    h.run();
    std::this_thread::sleep_for(1500ms);
    const FleetStats st = fleet.stats();
    ASSERT_TRUE(h.finish(fleet));

    const auto seen = h.server.seen();
    EXPECT_GT(seen.size(), rate * 1.5 * 0.6);
    EXPECT_LT(seen.size(), rate * 1.5 * 1.4);
    std::set<std::string> peers, clients;
    for (const Seen& s : seen) {
        EXPECT_TRUE(startsWith(s.client, "c")) << s.client;
        EXPECT_TRUE(startsWith(s.peer, "127.1.")) << s.peer;
        EXPECT_EQ(s.region, "eu");
        EXPECT_EQ(s.target, "/search?loc=eu");
        peers.insert(s.peer);
        clients.insert(s.client);
    }
    EXPECT_GE(peers.size(), 40u);
    EXPECT_EQ(peers.size(), clients.size());
    // Keep-alive: about one connection per user, not one per request.
    EXPECT_LE(h.server.connections.load(), 55);
    EXPECT_EQ(st.failed, 0u);
    EXPECT_GT(st.answered, rate * 1.5 * 0.6);
    EXPECT_EQ(st.distinctBackends, 3u);
    EXPECT_GE(st.sent, st.answered);
}

TEST(ClientFleet, CookiesComeBackAfterLogin)
{
    Harness h;
    ClientFleet fleet(h.io, h.options({group("shop", 10, ClientBehaviour::Login)}, 150));
    fleet.start();
    h.run();
    std::this_thread::sleep_for(1000ms);
    ASSERT_TRUE(h.finish(fleet));

    const auto clients = byClient(h.server.seen());
    EXPECT_GE(clients.size(), 8u);
    int accounts = 0;
    for (const auto& [id, reqs] : clients) {
        EXPECT_EQ(reqs.front().method, "POST") << id;
        EXPECT_EQ(reqs.front().target, "/login") << id;
        int logins = 0;
        for (const Seen& s : reqs) {
            if (s.target == "/login")
                ++logins;
            if (s.target == "/account") {
                ++accounts;
                EXPECT_NE(s.cookie.find("SESSIONID=s-"), std::string::npos) << id;
            }
        }
        EXPECT_EQ(logins, 1) << id;
    }
    EXPECT_GT(accounts, 50);
}

TEST(ClientFleet, A401MakesTheUserLogInAgain)
{
    Harness h;
    h.server.accountStatus = 401;
    ClientFleet fleet(h.io, h.options({group("shop", 5, ClientBehaviour::Login)}, 100));
    fleet.start();
    h.run();
    std::this_thread::sleep_for(1000ms);
    ASSERT_TRUE(h.finish(fleet));

    int relogins = 0;
    for (const auto& [id, reqs] : byClient(h.server.seen())) {
        for (std::size_t i = 0; i < reqs.size(); ++i) {
            // Login and account strictly alternate.
            EXPECT_EQ(reqs[i].target, i % 2 == 0 ? "/login" : "/account") << id << " #" << i;
            if (i > 0 && reqs[i].target == "/login")
                ++relogins;
        }
    }
    EXPECT_GT(relogins, 10);
}

TEST(ClientFleet, UrlParamUsersSendSidAndNoCookies)
{
    Harness h;
    auto g = group("api", 10, ClientBehaviour::Login);
    g.carrier = SessionCarrier::UrlParam;
    ClientFleet fleet(h.io, h.options({g}, 150));
    fleet.start();
    h.run();
    std::this_thread::sleep_for(800ms);
    ASSERT_TRUE(h.finish(fleet));

    int accounts = 0;
    for (const Seen& s : h.server.seen()) {
        EXPECT_FALSE(s.hasCookie) << s.client << ' ' << s.target;
        if (startsWith(s.target, "/account")) {
            ++accounts;
            EXPECT_TRUE(startsWith(s.target, "/account?sid=s-")) << s.target;
        }
    }
    EXPECT_GT(accounts, 30);
}

TEST(ClientFleet, NatGroupShowsAsOneAddress)
{
    Harness h;
    auto g = group("office", 10);
    g.natGroupSize = 10;
    ClientFleet fleet(h.io, h.options({g}, 200));
    fleet.start();
    h.run();
    std::this_thread::sleep_for(800ms);
    ASSERT_TRUE(h.finish(fleet));

    std::set<std::string> peers, clients;
    for (const Seen& s : h.server.seen()) {
        peers.insert(s.peer);
        clients.insert(s.client);
    }
    EXPECT_EQ(peers.size(), 1u);
    EXPECT_EQ(*peers.begin(), "127.1.0.1");
    EXPECT_GE(clients.size(), 8u);
}

TEST(ClientFleet, MobileUsersChangeAddress)
{
    Harness h;
    auto g = group("phones", 10);
    g.ipChangeMeanSeconds = 0.2;
    auto o = h.options({g}, 200);
    std::mutex mutex;
    std::vector<IpChange> changes;
    o.onIpChange = [&](const IpChange& c) {
        std::lock_guard lock(mutex);
        changes.push_back(c);
    };
    ClientFleet fleet(h.io, o);
    fleet.start();
    h.run();
    std::this_thread::sleep_for(1200ms);
    ASSERT_TRUE(h.finish(fleet));

    std::lock_guard lock(mutex);
    // 10 users * 1.2 s / 0.2 s = 60 expected.
    EXPECT_GT(changes.size(), 25u);
    EXPECT_LT(changes.size(), 120u);
    EXPECT_EQ(fleet.stats().ipChanges, changes.size());
    std::set<std::string> announced;
    std::map<std::string, Ipv4> last;
    for (const IpChange& c : changes) {
        EXPECT_TRUE(startsWith(formatIpv4(c.to), "127.100.")) << formatIpv4(c.to);
        if (last.contains(c.clientId))
            EXPECT_EQ(c.from, last[c.clientId]);
        last[c.clientId] = c.to;
        EXPECT_TRUE(announced.insert(formatIpv4(c.to)).second) << "address reused";
    }
    int mobile = 0;
    for (const Seen& s : h.server.seen()) {
        if (startsWith(s.peer, "127.100.")) {
            ++mobile;
            EXPECT_TRUE(announced.contains(s.peer)) << s.peer;
        }
    }
    EXPECT_GT(mobile, 20);
}

TEST(ClientFleet, ChangeIpsMovesEveryUserAndNatGroupsTogether)
{
    Harness h;
    auto nat = group("office", 10);
    nat.natGroupSize = 5;
    auto o = h.options({group("home", 10), nat}, 200);
    std::mutex mutex;
    std::vector<IpChange> changes;
    o.onIpChange = [&](const IpChange& c) {
        std::lock_guard lock(mutex);
        changes.push_back(c);
    };
    ClientFleet fleet(h.io, o);
    fleet.start();
    h.run();
    std::this_thread::sleep_for(300ms);
    fleet.changeIps(1.0);
    std::this_thread::sleep_for(600ms);
    ASSERT_TRUE(h.finish(fleet));

    std::lock_guard lock(mutex);
    ASSERT_EQ(changes.size(), 20u);
    EXPECT_EQ(fleet.stats().ipChanges, 20u);
    std::map<std::string, IpChange> byId;
    std::set<Ipv4> targets;
    for (const IpChange& c : changes) {
        byId[c.clientId] = c;
        targets.insert(c.to);
    }
    EXPECT_EQ(byId.size(), 20u);
    EXPECT_EQ(targets.size(), 12u); // 10 own + 2 shared NAT addresses
    for (const auto& id : fleet.roster())
        EXPECT_EQ(byId[id.id].from, id.ip) << id.id;
    EXPECT_EQ(byId["c10"].to, byId["c14"].to);
    EXPECT_NE(byId["c14"].to, byId["c15"].to);

    const auto seen = h.server.seen();
    const bool sawNew = std::any_of(seen.begin(), seen.end(), [](const Seen& s) { return startsWith(s.peer, "127.100."); });
    EXPECT_TRUE(sawNew);
}

TEST(ClientFleet, RefusedBalancerCountsFailuresWithoutSpinning)
{
    Harness h;
    auto o = h.options({group("web", 10)}, 300);
    {
        // A port that was just free: nothing listens there now.
        tcp::acceptor probe(h.io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
        o.balancer.port(probe.local_endpoint().port());
    }
    ClientFleet fleet(h.io, o);
    fleet.start();
    h.run();
    std::this_thread::sleep_for(600ms);
    const auto started = std::chrono::steady_clock::now();
    ASSERT_TRUE(h.finish(fleet, 1000ms));
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1000ms);
    const FleetStats st = fleet.stats();
    EXPECT_GT(st.failed, 10u);
    // Backoff: each user tries a few times, not once per arrival.
    EXPECT_LT(st.failed, 100u);
    EXPECT_GT(st.droppedArrivals, 0u);
    EXPECT_EQ(st.answered, 0u);
}

TEST(ClientFleet, StopWithRequestsInFlightReturnsPromptly)
{
    Harness h;
    h.server.hang = true;
    auto o = h.options({group("web", 20)}, 300);
    o.requestTimeoutSeconds = 30;
    ClientFleet fleet(h.io, o);
    fleet.start();
    h.run();
    std::this_thread::sleep_for(300ms);
    const auto started = std::chrono::steady_clock::now();
    ASSERT_TRUE(h.finish(fleet, 1000ms));
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1000ms);
    const FleetStats st = fleet.stats();
    EXPECT_GT(st.sent, 5u);
    EXPECT_EQ(st.answered, 0u);
    EXPECT_EQ(st.failed, 0u); // cancelling is not a failure
}

TEST(ClientFleet, AConnectionClosedWhileIdleIsRetriedNotFailed)
{
    Harness h;
    h.server.closeAfterAnswer = true;
    ClientFleet fleet(h.io, h.options({group("web", 5)}, 200));
    fleet.start();
    h.run();
    std::this_thread::sleep_for(600ms);
    const FleetStats st = fleet.stats();
    ASSERT_TRUE(h.finish(fleet));
    EXPECT_GT(st.answered, 60u);
    EXPECT_EQ(st.failed, 0u);
    // No request vanished: all but those in flight at the snapshot were answered.
    EXPECT_LE(st.sent, st.answered + 5);
    // Every answered request needed a connection of its own.
    EXPECT_GE(static_cast<std::uint64_t>(h.server.connections.load()), st.answered);
}

TEST(ClientFleet, TimeoutsCountAsFailuresAndQueuesAreBounded)
{
    Harness h;
    h.server.hang = true;
    auto o = h.options({group("web", 2)}, 200);
    o.requestTimeoutSeconds = 0.15;
    o.maxQueuedPerUser = 2;
    ClientFleet fleet(h.io, o);
    fleet.start();
    h.run();
    std::this_thread::sleep_for(700ms);
    ASSERT_TRUE(h.finish(fleet));
    const FleetStats st = fleet.stats();
    EXPECT_GE(st.failed, 4u);
    EXPECT_GT(st.droppedArrivals, 50u);
    EXPECT_EQ(st.answered, 0u);
    // Each timed-out request closed its connection; the next one reconnected.
    EXPECT_GE(h.server.connections.load(), 4);
}

TEST(ClientFleet, PauseAndRateChangesTakeEffect)
{
    Harness h;
    ClientFleet fleet(h.io, h.options({group("web", 10)}, 300));
    fleet.start();
    h.run();
    std::this_thread::sleep_for(300ms);
    fleet.setPaused(true);
    std::this_thread::sleep_for(100ms);
    const std::size_t paused = h.server.count();
    EXPECT_GT(paused, 30u);
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(h.server.count(), paused);

    fleet.setPaused(false);
    fleet.setRequestRate(0);
    std::this_thread::sleep_for(100ms);
    const std::size_t zero = h.server.count();
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(h.server.count(), zero);

    fleet.setRequestRate(500);
    std::this_thread::sleep_for(400ms);
    const std::size_t after = h.server.count() - zero;
    EXPECT_GT(after, 100u);
    EXPECT_LT(after, 350u);
    ASSERT_TRUE(h.finish(fleet));
}

TEST(ClientFleet, DestroyingARunningFleetIsSafe)
{
    Harness h;
    h.run();
    {
        ClientFleet fleet(h.io, h.options({group("web", 20)}, 400));
        fleet.start();
        std::this_thread::sleep_for(200ms);
    }
    std::this_thread::sleep_for(100ms);
    const std::size_t after = h.server.count();
    EXPECT_GT(after, 20u);
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(h.server.count(), after);
    ClientFleet idle(h.io, h.options({}, 100));
    ASSERT_TRUE(h.finish(idle));
}

TEST(ClientFleet, OutOfDescriptorsCountsFailuresWithoutCrashing)
{
    Harness h;
    ClientFleet fleet(h.io, h.options({group("web", 50)}, 400));
    rlimit old{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &old), 0);
    std::size_t open = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd"))
        ++open;
    rlimit tight = old;
    tight.rlim_cur = open + 8; // room for a few client sockets and their server ends
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &tight), 0);
    fleet.start();
    h.run();
    std::this_thread::sleep_for(500ms);
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &old), 0);
    const FleetStats st = fleet.stats();
    ASSERT_TRUE(h.finish(fleet));
    EXPECT_GT(st.failed, 0u);
    EXPECT_GT(st.answered, 0u);
}
