// The balancer through real sockets: real backends, real HTTP, a real capture.

#include "core/backend/backend_server.h"
#include "core/proxy/balancer.h"
#include "core/record/capture.h"
#include "core/record/csv_reader.h"
#include "support/test_http_client.h"
#include "support/wait_for.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include <atomic>

#include <map>
#include <set>
#include <sstream>
#include <thread>

namespace lblab {
namespace {

using test::TestHttpClient;
namespace http = boost::beast::http;

/// A backend that accepts, reads the request and closes without answering: it dropped the request
/// but still takes connections and passes health checks, so nothing marks it down.
class DroppingBackend {
public:
    explicit DroppingBackend(boost::asio::io_context& io) : m_acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0})
    {
        boost::asio::co_spawn(io, acceptLoop(), boost::asio::detached);
    }
    boost::asio::ip::tcp::endpoint endpoint() const { return m_acceptor.local_endpoint(); }
    int dropped() const { return m_dropped.load(); }

private:
    boost::asio::awaitable<void> acceptLoop()
    {
        namespace asio = boost::asio;
        for (;;) {
            auto [ec, socket] = co_await m_acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec)
                co_return;
            char buf[4096];
            auto [rec, n] = co_await socket.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
            if (std::string_view(buf, n).starts_with("GET /health")) { // healthy to the checker
                static constexpr std::string_view ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                co_await asio::async_write(socket, asio::buffer(ok), asio::as_tuple(asio::use_awaitable));
            } else {
                ++m_dropped; // a request: no answer
            }
            socket.close();
        }
    }
    boost::asio::ip::tcp::acceptor m_acceptor;
    std::atomic<int> m_dropped{0};
};

/// Three backends on their own thread, a balancer and a capture.
class BalancerTest : public ::testing::Test {
protected:
    void SetUp() override { capture.begin(Clock::now()); }

    void startLab(const std::string& policy, int servers = 3)
    {
        Balancer::Options o;
        o.policy = policy;
        o.healthCheck.intervalSeconds = 0.1;
        o.healthCheck.rise = 1;
        o.healthCheck.fall = 1;
        balancer = std::make_unique<Balancer>(o, capture);
        for (int i = 0; i < servers; ++i) {
            BackendSpec spec;
            spec.name = "s" + std::to_string(i + 1);
            spec.serviceTimeMs = 0.2;
            spec.model = ServiceTimeModel::Constant;
            auto b = std::make_unique<BackendServer>(io, spec, 42 + i);
            b->start(0);
            balancer->addBackend(spec.name, spec.region, 1, b->endpoint());
            backends.push_back(std::move(b));
        }
        ioThread = std::thread([this] { io.run(); });
        balancer->start();
    }

    void TearDown() override
    {
        if (balancer)
            balancer->stop();
        for (auto& b : backends)
            b->stop();
        guard.reset();
        io.stop();
        if (ioThread.joinable())
            ioThread.join();
    }

    std::vector<LabEvent> eventsOf(LabEventKind kind) const
    {
        std::vector<LabEvent> out;
        for (const auto& e : capture.labEvents())
            if (e.kind == kind)
                out.push_back(e);
        return out;
    }

    Capture capture{Capture::Options{}};
    boost::asio::io_context io;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
    std::thread ioThread;
    std::vector<std::unique_ptr<BackendServer>> backends;
    std::unique_ptr<Balancer> balancer;
    std::unique_ptr<DroppingBackend> dropper; // destroyed first, after TearDown stopped the io thread
};

TEST_F(BalancerTest, RoundRobinRotatesAndNamesTheBackend)
{
    startLab("round-robin");
    TestHttpClient client(balancer->endpoint());
    std::vector<std::string> seen;
    for (int i = 0; i < 6; ++i) {
        auto a = client.get("/search?loc=eu");
        ASSERT_TRUE(a);
        EXPECT_EQ(a->status, 200u);
        seen.push_back(a->backend);
    }
    EXPECT_EQ(seen, (std::vector<std::string>{"s1", "s2", "s3", "s1", "s2", "s3"}));
    EXPECT_EQ(capture.eventCount(), 6u);
}

TEST_F(BalancerTest, OutsideClientsAreCapturedByAddressAndForwardedFor)
{
    startLab("round-robin");
    TestHttpClient client(balancer->endpoint(), "127.0.9.33");
    ASSERT_TRUE(client.get("/search?loc=eu"));
    ASSERT_TRUE(client.get("/search?loc=eu", {{"X-LBLab-Client", "c7"}}));

    std::stringstream csv;
    capture.writeEventsCsv(csv);
    const auto parsed = CsvReader::parse(csv.str());
    ASSERT_TRUE(parsed.ok()) << parsed.error;
    ASSERT_EQ(parsed.rows.size(), 3u);
    const auto id = *CsvReader::column(parsed.rows[0], "client_id");
    const auto ip = *CsvReader::column(parsed.rows[0], "client_ip");
    EXPECT_EQ(parsed.rows[1][id], "ext-127.0.9.33");
    EXPECT_EQ(parsed.rows[1][ip], "127.0.9.33");
    EXPECT_EQ(parsed.rows[2][id], "c7");
    // The backends saw the client's address in X-Forwarded-For.
    std::uint64_t peers = 0;
    for (const auto& b : backends)
        peers += b->stats().distinctPeers;
    EXPECT_EQ(peers, 2u); // the same address, seen by two backends
}

TEST_F(BalancerTest, KilledBackendIsRetriedElsewhereAndMarkedDown)
{
    startLab("round-robin");
    TestHttpClient warm(balancer->endpoint());
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(warm.get("/search"));
    backends[1]->kill();

    TestHttpClient client(balancer->endpoint());
    int ok = 0;
    std::set<std::string> backendsSeen;
    for (int i = 0; i < 9; ++i) {
        auto a = client.get("/search");
        ASSERT_TRUE(a);
        ok += a->status == 200;
        backendsSeen.insert(a->backend);
    }
    EXPECT_EQ(ok, 9) << "idempotent requests must be retried on another backend";
    EXPECT_EQ(backendsSeen.count("s2"), 0u);
    ASSERT_FALSE(eventsOf(LabEventKind::BackendDown).empty());
    EXPECT_EQ(eventsOf(LabEventKind::BackendDown).front().subject, "s2");
    EXPECT_FALSE(balancer->backends()[1].info.up);
    EXPECT_GE(capture.totals().retries, 1u);

    // Restored, it comes back through the health checks.
    backends[1]->restore();
    // The health check runs every few hundred ms; a sanitizer build on a busy machine runs slower.
    EXPECT_TRUE(test::waitFor([&] { return balancer->backends()[1].info.up; }));
    EXPECT_FALSE(eventsOf(LabEventKind::BackendUp).empty());
}

TEST_F(BalancerTest, ARetryNeverLandsOnTheBackendThatJustDroppedTheRequest)
{
    // ip-hash sends an address to the same backend every time; the dropper is not marked down
    // by a dropped request, so only excluding it from the retry pick saves these GETs.
    startLab("ip-hash", 1);
    dropper = std::make_unique<DroppingBackend>(io);
    balancer->addBackend("drop", "", 1, dropper->endpoint());

    int ok = 0;
    for (int i = 1; i <= 12; ++i) {
        TestHttpClient client(balancer->endpoint(), "127.0.9." + std::to_string(i));
        auto a = client.get("/search");
        ASSERT_TRUE(a);
        EXPECT_EQ(a->status, 200u) << "client 127.0.9." << i << ": " << a->error;
        ok += a->status == 200;
        EXPECT_EQ(a->backend, "s1");
    }
    EXPECT_EQ(ok, 12);
    EXPECT_GE(dropper->dropped(), 1) << "no address hashed to the dropping backend: the test proves nothing";
    EXPECT_EQ(capture.totals().retries, static_cast<std::uint64_t>(dropper->dropped()));
}

TEST_F(BalancerTest, NonIdempotentRequestToADeadBackendGets502WithAReason)
{
    startLab("round-robin", 1);
    backends[0]->kill();
    TestHttpClient client(balancer->endpoint());
    auto a = client.request(http::verb::post, "/login");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, 502u);
    EXPECT_NE(a->error.find("s1"), std::string::npos) << a->error;
    // Now marked down: nothing is usable.
    auto b = client.get("/search");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->status, 503u);
    EXPECT_NE(b->error.find("no backend"), std::string::npos);
    EXPECT_EQ(capture.totals().errors, 2u);
}

TEST_F(BalancerTest, GarbageGets400AndTheBalancerKeepsServing)
{
    startLab("round-robin");
    {
        boost::asio::io_context io2;
        boost::asio::ip::tcp::socket s(io2);
        s.connect(balancer->endpoint());
        const std::string junk = "THIS IS NOT HTTP\r\n\r\n";
        boost::asio::write(s, boost::asio::buffer(junk));
        std::string reply(256, '\0');
        boost::system::error_code ec;
        const auto n = s.read_some(boost::asio::buffer(reply), ec);
        reply.resize(n);
        EXPECT_NE(reply.find("400"), std::string::npos) << reply;
    }
    TestHttpClient client(balancer->endpoint());
    auto a = client.get("/search");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, 200u);
}

TEST_F(BalancerTest, CookieAffinityKeepsAJarOnOneBackendWhileFreshJarsAreBalanced)
{
    startLab("cookie-affinity");
    TestHttpClient sticky(balancer->endpoint());
    std::set<std::string> stickyBackends;
    for (int i = 0; i < 12; ++i) {
        auto a = sticky.get("/search");
        ASSERT_TRUE(a);
        stickyBackends.insert(a->backend);
    }
    EXPECT_EQ(stickyBackends.size(), 1u);

    std::set<std::string> freshBackends;
    for (int i = 0; i < 12; ++i) {
        TestHttpClient fresh(balancer->endpoint());
        auto a = fresh.get("/search");
        ASSERT_TRUE(a);
        ASSERT_FALSE(a->setCookies.empty());
        EXPECT_EQ(a->setCookies[0].rfind("LBLAB_SRV=", 0), 0u) << a->setCookies[0];
        freshBackends.insert(a->backend);
    }
    EXPECT_EQ(freshBackends.size(), 3u);
    EXPECT_EQ(balancer->tableSize(), 13u);
}

TEST_F(BalancerTest, SessionAffinityLearnsTheLoginAndNeverMisses)
{
    startLab("session-affinity");
    TestHttpClient user(balancer->endpoint(), "127.0.4.4");
    auto login = user.request(http::verb::post, "/login");
    ASSERT_TRUE(login);
    ASSERT_EQ(login->session, "created");
    for (int i = 0; i < 10; ++i) {
        auto a = user.get("/account");
        ASSERT_TRUE(a);
        EXPECT_EQ(a->status, 200u);
        EXPECT_EQ(a->session, "hit");
        EXPECT_EQ(a->backend, login->backend);
    }
    EXPECT_EQ(capture.totals().sessionMisses, 0u);
}

TEST_F(BalancerTest, RoundRobinLosesSessions)
{
    startLab("round-robin");
    TestHttpClient user(balancer->endpoint());
    ASSERT_TRUE(user.request(http::verb::post, "/login"));
    int misses = 0;
    for (int i = 0; i < 9; ++i) {
        auto a = user.get("/account");
        ASSERT_TRUE(a);
        misses += a->session == "miss";
    }
    EXPECT_EQ(misses, 6);
    EXPECT_EQ(capture.totals().sessionMisses, 6u);
}

TEST_F(BalancerTest, LivePolicySwitchReportsWhatHappenedToPins)
{
    startLab("source-ip-affinity");
    for (int i = 1; i <= 5; ++i) {
        TestHttpClient c(balancer->endpoint(), "127.0.7." + std::to_string(i));
        ASSERT_TRUE(c.get("/search"));
    }
    EXPECT_EQ(balancer->tableSize(), 5u);
    ASSERT_EQ(balancer->setPolicy("round-robin"), PinHandover::Dropped);
    EXPECT_EQ(balancer->policyId(), "round-robin");
    EXPECT_EQ(balancer->tableSize(), 0u);
    const auto switches = eventsOf(LabEventKind::PolicySwitched);
    ASSERT_EQ(switches.size(), 1u);
    EXPECT_NE(switches[0].detail.find("5 pins dropped"), std::string::npos) << switches[0].detail;
    EXPECT_FALSE(balancer->setPolicy("no-such-policy"));
}

TEST_F(BalancerTest, PortInUseIsAClearError)
{
    startLab("round-robin", 1);
    Balancer::Options o;
    o.listenPort = balancer->endpoint().port();
    Balancer second(o, capture);
    try {
        second.start();
        FAIL() << "a second balancer on the same port must not start";
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("127.0.0.1:" + std::to_string(o.listenPort)), std::string::npos) << what;
        EXPECT_NE(what.find("in use"), std::string::npos) << what;
    }
}

TEST(BalancerOptionsTest, UnknownPolicyIsRejected)
{
    Capture capture{Capture::Options{}};
    Balancer::Options o;
    o.policy = "bogus";
    EXPECT_THROW(Balancer(o, capture), std::runtime_error);
}

} // namespace
} // namespace lblab
