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

#include "core/fleet/fleet_harness.h"
#include "core/fleet/fleet_test_server.h"
#include "support/wait_for.h"

#include <sys/resource.h>

#include <algorithm>
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
using lblab::test::elapsedSince;
using lblab::test::staysFalse;
using lblab::test::waitFor;
using lblab::test::Seen;
using lblab::test::TestServer;
using lblab::test::FleetHarness;
using lblab::test::group;

namespace {

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

std::size_t countTarget(const std::vector<Seen>& seen, std::string_view prefix)
{
    return static_cast<std::size_t>(
        std::count_if(seen.begin(), seen.end(), [&](const Seen& s) { return startsWith(s.target, prefix); }));
}

/// Logins after each user's first one.
int relogins(const std::vector<Seen>& seen)
{
    int n = 0;
    for (const auto& [id, reqs] : byClient(seen))
        for (std::size_t i = 1; i < reqs.size(); ++i)
            n += reqs[i].target == "/login" ? 1 : 0;
    return n;
}

/// The most connection attempts one user can make in `seconds` when every refusal waits the
/// fleet's backoff (50 ms, doubling up to 1 s) before the next: without backoff it would be thousands.
std::uint64_t attemptsWithBackoff(double seconds)
{
    std::uint64_t attempts = 1;
    double waited = 0, backoff = 0.05;
    while (waited + backoff <= seconds) {
        waited += backoff;
        ++attempts;
        backoff = std::min(backoff * 2, 1.0);
    }
    return attempts;
}

/// The most a Poisson source of `rate` per second can plausibly send in `seconds`: the test
/// measures `seconds` itself, so a slow machine only makes the bound looser, never tighter.
double atMostAtRate(double rate, double seconds)
{
    return rate * seconds * 1.4 + 30;
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
    FleetHarness h;
    const double rate = 300;
    ClientFleet fleet(h.io, h.options({group("web", 50)}, rate));
    const auto started = std::chrono::steady_clock::now();
    fleet.start();
    h.run();
    // About a second of load: every user has had a few turns.
    ASSERT_TRUE(waitFor([&] { return fleet.stats().answered >= 300 && fleet.stats().distinctBackends == 3; }));
    const FleetStats st = fleet.stats();
    ASSERT_TRUE(h.finish(fleet));
    const double seconds = elapsedSince(started).count();

    const auto seen = h.server.seen();
    EXPECT_GE(seen.size(), 300u);
    EXPECT_LT(static_cast<double>(seen.size()), atMostAtRate(rate, seconds)) << "in " << seconds << " s";
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
    EXPECT_EQ(st.distinctBackends, 3u);
    EXPECT_GE(st.sent, st.answered);
}

TEST(ClientFleet, CookiesComeBackAfterLogin)
{
    FleetHarness h;
    ClientFleet fleet(h.io, h.options({group("shop", 10, ClientBehaviour::Login)}, 150));
    fleet.start();
    h.run();
    ASSERT_TRUE(waitFor([&] {
        const auto seen = h.server.seen();
        return countTarget(seen, "/account") > 50 && byClient(seen).size() >= 8;
    }));
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
    FleetHarness h;
    h.server.accountStatus = 401;
    ClientFleet fleet(h.io, h.options({group("shop", 5, ClientBehaviour::Login)}, 100));
    fleet.start();
    h.run();
    ASSERT_TRUE(waitFor([&] { return relogins(h.server.seen()) > 10; }));
    ASSERT_TRUE(h.finish(fleet));

    for (const auto& [id, reqs] : byClient(h.server.seen())) {
        for (std::size_t i = 0; i < reqs.size(); ++i) {
            // Login and account strictly alternate.
            EXPECT_EQ(reqs[i].target, i % 2 == 0 ? "/login" : "/account") << id << " #" << i;
        }
    }
    EXPECT_GT(relogins(h.server.seen()), 10);
}

TEST(ClientFleet, UrlParamUsersSendSidAndNoCookies)
{
    FleetHarness h;
    auto g = group("api", 10, ClientBehaviour::Login);
    g.carrier = SessionCarrier::UrlParam;
    ClientFleet fleet(h.io, h.options({g}, 150));
    fleet.start();
    h.run();
    ASSERT_TRUE(waitFor([&] { return countTarget(h.server.seen(), "/account") > 30; }));
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
    FleetHarness h;
    auto g = group("office", 10);
    g.natGroupSize = 10;
    ClientFleet fleet(h.io, h.options({g}, 200));
    fleet.start();
    h.run();
    ASSERT_TRUE(waitFor([&] { return byClient(h.server.seen()).size() >= 8; }));
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
    FleetHarness h;
    auto g = group("phones", 10);
    g.ipChangeMeanSeconds = 0.2;
    auto o = h.options({g}, 200);
    std::mutex mutex;
    std::vector<IpChange> changes;
    o.onIpChange = [&](const IpChange& c) {
        std::lock_guard lock(mutex);
        changes.push_back(c);
    };
    const auto changeCount = [&] {
        std::lock_guard lock(mutex);
        return changes.size();
    };
    const auto mobileRequests = [&] {
        const auto seen = h.server.seen();
        return std::count_if(seen.begin(), seen.end(), [](const Seen& s) { return startsWith(s.peer, "127.100."); });
    };
    ClientFleet fleet(h.io, o);
    const auto started = std::chrono::steady_clock::now();
    fleet.start();
    h.run();
    ASSERT_TRUE(waitFor([&] { return changeCount() > 25 && mobileRequests() > 20; }));
    ASSERT_TRUE(h.finish(fleet));
    const double seconds = elapsedSince(started).count();

    std::lock_guard lock(mutex);
    // 10 users, one change every 0.2 s on average each: 50 a second.
    EXPECT_GT(changes.size(), 25u);
    EXPECT_LT(static_cast<double>(changes.size()), atMostAtRate(10 / 0.2, seconds)) << "in " << seconds << " s";
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
    FleetHarness h;
    auto nat = group("office", 10);
    nat.natGroupSize = 5;
    auto o = h.options({group("home", 10), nat}, 200);
    std::mutex mutex;
    std::vector<IpChange> changes;
    o.onIpChange = [&](const IpChange& c) {
        std::lock_guard lock(mutex);
        changes.push_back(c);
    };
    const auto changeCount = [&] {
        std::lock_guard lock(mutex);
        return changes.size();
    };
    const auto sawNewAddress = [&] {
        const auto seen = h.server.seen();
        return std::any_of(seen.begin(), seen.end(), [](const Seen& s) { return startsWith(s.peer, "127.100."); });
    };
    ClientFleet fleet(h.io, o);
    fleet.start();
    h.run();
    ASSERT_TRUE(waitFor([&] { return h.server.count() >= 20; })); // users are connected and busy
    fleet.changeIps(1.0);
    ASSERT_TRUE(h.postedCallsRan());
    EXPECT_EQ(changeCount(), 20u) << "every user moved at once";
    EXPECT_TRUE(waitFor([&] { return sawNewAddress(); }));
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
}

TEST(ClientFleet, RefusedBalancerCountsFailuresWithoutSpinning)
{
    FleetHarness h;
    const int users = 10;
    auto o = h.options({group("web", users)}, 300);
    {
        // A port that was just free: nothing listens there now.
        tcp::acceptor probe(h.io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
        o.balancer.port(probe.local_endpoint().port());
    }
    ClientFleet fleet(h.io, o);
    const auto started = std::chrono::steady_clock::now();
    fleet.start();
    h.run();
    ASSERT_TRUE(waitFor([&] { return fleet.stats().failed > 10 && fleet.stats().droppedArrivals > 0; }));
    // Backoff: each user tries a few times, not once per arrival (and never in a tight loop).
    const auto spinning = [&] {
        return fleet.stats().failed > users * attemptsWithBackoff(elapsedSince(started).count());
    };
    EXPECT_TRUE(staysFalse(spinning, 300ms)) << fleet.stats().failed << " failures in "
                                             << elapsedSince(started).count() << " s";
    ASSERT_TRUE(h.finish(fleet)) << "a backoff timer outlived stop()";
    const FleetStats st = fleet.stats();
    EXPECT_GT(st.failed, 10u);
    EXPECT_GT(st.droppedArrivals, 0u);
    EXPECT_EQ(st.answered, 0u);
}

TEST(ClientFleet, StopWithRequestsInFlightReturnsPromptly)
{
    FleetHarness h;
    h.server.hang = true;
    auto o = h.options({group("web", 20)}, 300);
    o.requestTimeoutSeconds = 30;
    ClientFleet fleet(h.io, o);
    fleet.start();
    h.run();
    ASSERT_TRUE(waitFor([&] { return fleet.stats().sent > 5 && h.server.count() > 5; }));
    // Far less than the 30 s timeout of the requests in flight: stop() cancelled them.
    ASSERT_TRUE(h.finish(fleet));
    const FleetStats st = fleet.stats();
    EXPECT_GT(st.sent, 5u);
    EXPECT_EQ(st.answered, 0u);
    EXPECT_EQ(st.failed, 0u); // cancelling is not a failure
}

TEST(ClientFleet, AConnectionClosedWhileIdleIsRetriedNotFailed)
{
    FleetHarness h;
    h.server.closeAfterAnswer = true;
    ClientFleet fleet(h.io, h.options({group("web", 5)}, 200));
    fleet.start();
    h.run();
    ASSERT_TRUE(waitFor([&] { return fleet.stats().answered > 60; }));
    const FleetStats st = fleet.stats();
    ASSERT_TRUE(h.finish(fleet));
    EXPECT_GT(st.answered, 60u);
    EXPECT_EQ(st.failed, 0u);
    // No request vanished: all but those in flight at the snapshot were answered.
    EXPECT_LE(st.sent, st.answered + 5);
    // Every answered request needed a connection of its own.
    EXPECT_GE(static_cast<std::uint64_t>(h.server.connections.load()), st.answered);
}

TEST(ClientFleet, AUserReconnectsAfterTheServerClosesItsIdleConnection)
{
    FleetHarness h;
    h.server.idleTimeoutMs = 200;
    // A user waits 500 ms between requests on average: most find their connection closed by then.
    ClientFleet fleet(h.io, h.options({group("web", 4)}, 8));
    fleet.start();
    h.run();
    ASSERT_TRUE(waitFor([&] { return fleet.stats().answered > 24 && h.server.connections.load() > 14; }));
    const FleetStats st = fleet.stats();
    ASSERT_TRUE(h.finish(fleet));
    EXPECT_GT(st.answered, 24u);
    EXPECT_EQ(st.failed, 0u) << "a request on a connection closed while idle is sent again on a new one";
    EXPECT_LE(st.sent, st.answered + 4);
}

TEST(ClientFleet, AConnectThatNeverCompletesTimesOut)
{
    FleetHarness h;
    // Never accepts, and its queue holds one connection: once that is taken the kernel drops the
    // SYNs, and a connect would hang for minutes without the request's deadline.
    tcp::acceptor full(h.io);
    full.open(tcp::v4());
    full.bind(tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    full.listen(0);
    auto o = h.options({group("web", 6)}, 200);
    o.balancer.port(full.local_endpoint().port());
    o.requestTimeoutSeconds = 0.2;
    ClientFleet fleet(h.io, o);
    fleet.start();
    h.run();
    // Each user fails at least twice: its first connect (or read) and the one after its backoff.
    ASSERT_TRUE(waitFor([&] { return fleet.stats().failed >= 12; }));
    ASSERT_TRUE(h.finish(fleet)) << "a connect outlived stop()";
    EXPECT_EQ(fleet.stats().answered, 0u);
}

TEST(ClientFleet, TimeoutsCountAsFailuresAndQueuesAreBounded)
{
    FleetHarness h;
    h.server.hang = true;
    auto o = h.options({group("web", 2)}, 200);
    o.requestTimeoutSeconds = 0.15;
    o.maxQueuedPerUser = 2;
    ClientFleet fleet(h.io, o);
    fleet.start();
    h.run();
    ASSERT_TRUE(waitFor([&] {
        const FleetStats st = fleet.stats();
        return st.failed >= 4 && st.droppedArrivals > 50 && h.server.connections.load() >= 4;
    }));
    ASSERT_TRUE(h.finish(fleet));
    const FleetStats st = fleet.stats();
    EXPECT_GE(st.failed, 4u);
    EXPECT_GT(st.droppedArrivals, 50u);
    EXPECT_EQ(st.answered, 0u);
    // Each timed-out request closed its connection; the next one reconnected.
    EXPECT_GE(h.server.connections.load(), 4);
    // Never more than maxQueuedPerUser waiting per user.
    EXPECT_LE(st.pending, 4u);
}

TEST(ClientFleet, PauseAndRateChangesTakeEffect)
{
    FleetHarness h;
    ClientFleet fleet(h.io, h.options({group("web", 10)}, 300));
    fleet.start();
    h.run();
    ASSERT_TRUE(waitFor([&] { return h.server.count() > 30; }));
    // Once the call took effect and the requests already queued are answered, nothing more is sent.
    const auto quiet = [&] {
        const FleetStats st = fleet.stats();
        return st.pending == 0 && h.server.count() == st.sent;
    };
    fleet.setPaused(true);
    ASSERT_TRUE(h.postedCallsRan());
    ASSERT_TRUE(waitFor(quiet));
    const std::size_t paused = h.server.count();
    EXPECT_TRUE(staysFalse([&] { return h.server.count() != paused; }, 300ms)) << "sent while paused";

    fleet.setPaused(false);
    fleet.setRequestRate(0);
    ASSERT_TRUE(h.postedCallsRan());
    ASSERT_TRUE(waitFor(quiet));
    const std::size_t zero = h.server.count();
    EXPECT_TRUE(staysFalse([&] { return h.server.count() != zero; }, 300ms)) << "sent at rate 0";

    const auto faster = std::chrono::steady_clock::now();
    fleet.setRequestRate(500);
    ASSERT_TRUE(waitFor([&] { return h.server.count() - zero > 100; }));
    const std::size_t after = h.server.count() - zero;
    const double seconds = elapsedSince(faster).count();
    EXPECT_LT(static_cast<double>(after), atMostAtRate(500, seconds)) << "in " << seconds << " s";
    ASSERT_TRUE(h.finish(fleet));
}

TEST(ClientFleet, DestroyingARunningFleetIsSafe)
{
    FleetHarness h;
    h.run();
    {
        ClientFleet fleet(h.io, h.options({group("web", 20)}, 400));
        fleet.start();
        ASSERT_TRUE(waitFor([&] { return h.server.count() > 20; }));
    }
    // The destructor's stop has run and closed every connection; the server has read all that
    // was sent before.
    ASSERT_TRUE(h.postedCallsRan());
    ASSERT_TRUE(waitFor([&] { return h.server.openSessions.load() == 0; }));
    const std::size_t after = h.server.count();
    EXPECT_GT(after, 20u);
    EXPECT_TRUE(staysFalse([&] { return h.server.count() != after; }, 200ms)) << "a destroyed fleet still sends";
    ClientFleet idle(h.io, h.options({}, 100));
    ASSERT_TRUE(h.finish(idle));
}

TEST(ClientFleet, OutOfDescriptorsCountsFailuresWithoutCrashing)
{
    FleetHarness h;
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
    const bool both = waitFor([&] { return fleet.stats().failed > 0 && fleet.stats().answered > 0; });
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &old), 0);
    const FleetStats st = fleet.stats();
    ASSERT_TRUE(h.finish(fleet));
    EXPECT_TRUE(both);
    EXPECT_GT(st.failed, 0u);
    EXPECT_GT(st.answered, 0u);
}
