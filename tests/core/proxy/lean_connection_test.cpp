// Idle connections hold no buffers: the request states a connection borrows while it serves a
// request, the pools that lend them (ExchangePool) and the idle upstream connections kept for
// the next requests (UpstreamPool), each sized by what recent concurrency needed.

#include "core/backend/backend_server.h"
#include "core/proxy/balancer.h"
#include "core/proxy/balancer_options.h"
#include "core/proxy/exchange_pool.h"
#include "core/proxy/upstream_pool.h"
#include "core/record/capture.h"
#include "support/test_http_client.h"
#include "support/wait_for.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace lblab {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using test::waitFor;

TEST(ExchangePoolTest, LendsKeptStatesAndFreesWhatTheLastTwoIntervalsDidNotNeed)
{
    asio::io_context io;
    BalancerOptions options;
    std::atomic<std::size_t> idleTotal{0};
    UpstreamPool upstream(options, idleTotal);
    ExchangePool pool(io, upstream, options);

    std::vector<std::unique_ptr<ExchangeState>> lent;
    for (int i = 0; i < 10; ++i)
        lent.push_back(pool.take());
    EXPECT_EQ(pool.inUse(), 10u);
    EXPECT_EQ(pool.kept(), 0u);
    ExchangeState* first = lent.front().get();
    lent.front()->in.prepare(100);
    lent.front()->in.commit(100);
    for (auto& s : lent)
        pool.give(std::move(s));
    EXPECT_EQ(pool.inUse(), 0u);
    EXPECT_EQ(pool.kept(), 10u);
    EXPECT_EQ(first->in.size(), 0u) << "a state comes back without the last connection's bytes";

    // Taking again reuses a kept state (no new one while any is kept).
    auto again = pool.take();
    EXPECT_EQ(pool.kept(), 9u);
    pool.give(std::move(again));

    EXPECT_EQ(pool.trim(), 0u) << "this interval's peak was 10";
    EXPECT_EQ(pool.kept(), 10u);
    EXPECT_EQ(pool.trim(), 0u) << "the previous interval's peak was 10";
    EXPECT_EQ(pool.trim(), 10u - ExchangePool::kMinKept) << "two quiet intervals: down to the minimum";
    EXPECT_EQ(pool.kept(), ExchangePool::kMinKept);
}

TEST(ExchangePoolTest, StatesInUseCountAgainstWhatIsKept)
{
    asio::io_context io;
    BalancerOptions options;
    std::atomic<std::size_t> idleTotal{0};
    UpstreamPool upstream(options, idleTotal);
    ExchangePool pool(io, upstream, options);
    std::vector<std::unique_ptr<ExchangeState>> lent;
    for (int i = 0; i < 8; ++i)
        lent.push_back(pool.take());
    for (int i = 0; i < 2; ++i) {
        pool.give(std::move(lent.back()));
        lent.pop_back();
    }
    // 6 still lent, peak 8: at most 2 more are worth keeping, for two intervals.
    pool.trim();
    pool.trim();
    EXPECT_EQ(pool.kept(), 2u);
    pool.trim();
    EXPECT_EQ(pool.kept(), 0u) << "6 lent is above the minimum of " << ExchangePool::kMinKept;
    for (auto& s : lent)
        pool.give(std::move(s));
    EXPECT_EQ(pool.kept(), 6u);
}

/// Real loopback connections to a local acceptor, for the upstream pool.
struct LoopbackSockets {
    asio::io_context io;
    tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
    std::vector<tcp::socket> accepted;

    ProxySocket connect()
    {
        ProxySocket s(io);
        s.connect(acceptor.local_endpoint());
        accepted.push_back(acceptor.accept());
        return s;
    }
};

TEST(UpstreamPoolTest, SweepClosesIdleConnectionsTheRecentPeakDidNotUse)
{
    LoopbackSockets net;
    BalancerOptions options;
    options.upstreamIdleSeconds = 3600; // only the concurrency bound closes connections here
    std::atomic<std::size_t> idleTotal{0};
    UpstreamPool pool(options, idleTotal);
    {
        // A burst: 5 requests in flight to backend 0 at once, then all kept.
        std::vector<std::unique_ptr<UpstreamPool::Use>> uses;
        for (int i = 0; i < 5; ++i)
            uses.push_back(std::make_unique<UpstreamPool::Use>(pool, 0));
        for (int i = 0; i < 5; ++i)
            pool.keep(0, net.connect());
    }
    EXPECT_EQ(pool.idle(0), 5u);
    EXPECT_EQ(idleTotal.load(), 5u);
    pool.sweep();
    EXPECT_EQ(pool.idle(0), 5u) << "this interval's peak was 5";
    {
        // Then one request at a time.
        UpstreamPool::Use use(pool, 0);
        auto socket = pool.take(0);
        ASSERT_TRUE(socket.has_value());
        pool.keep(0, std::move(*socket));
    }
    pool.sweep();
    EXPECT_EQ(pool.idle(0), 5u) << "the previous interval's peak was 5";
    pool.sweep();
    EXPECT_EQ(pool.idle(0), 1u) << "one request at a time needs one connection";
    EXPECT_EQ(idleTotal.load(), 1u);
    pool.sweep();
    EXPECT_EQ(pool.idle(0), 0u) << "two intervals without a request need none";
    EXPECT_EQ(idleTotal.load(), 0u);
}

class LeanConnectionTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        capture.begin(Clock::now());
        Balancer::Options o;
        o.idleTimeoutSeconds = 60;
        o.healthCheck.intervalSeconds = 60;
        adjust(o);
        balancer = std::make_unique<Balancer>(o, capture);
        BackendSpec spec;
        spec.name = "s1";
        spec.serviceTimeMs = 20; // long enough for a burst's requests to be in flight together
        spec.model = ServiceTimeModel::Constant;
        spec.capacity = 100;
        backend = std::make_unique<BackendServer>(io, spec, 7);
        backend->start(0);
        balancer->addBackend(spec.name, spec.region, 1, backend->endpoint());
        ioThread = std::thread([this] { io.run(); });
        balancer->start();
    }
    /// A test fixture's own options.
    virtual void adjust(Balancer::Options&) {}
    void TearDown() override
    {
        balancer->stop();
        backend->stop();
        guard.reset();
        io.stop();
        ioThread.join();
    }

    Capture capture{Capture::Options{}};
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> guard{io.get_executor()};
    std::thread ioThread;
    std::unique_ptr<BackendServer> backend;
    std::unique_ptr<Balancer> balancer;
};

TEST_F(LeanConnectionTest, IdleKeepAliveConnectionsHoldNoRequestState)
{
    constexpr int kClients = 40;
    std::vector<std::unique_ptr<test::TestHttpClient>> clients;
    for (int i = 0; i < kClients; ++i) {
        clients.push_back(std::make_unique<test::TestHttpClient>(balancer->endpoint()));
        const auto answer = clients.back()->request(boost::beast::http::verb::get, "/search");
        ASSERT_TRUE(answer.has_value());
        EXPECT_EQ(answer->status, 200u);
    }
    EXPECT_EQ(balancer->openConnections(), static_cast<std::size_t>(kClients)) << "every connection is kept alive";
    EXPECT_TRUE(waitFor([&] { return balancer->exchangeStates().inUse == 0; }))
        << balancer->exchangeStates().inUse << " idle connections still hold a request state";
    // One request at a time needed one state: the pool keeps no more than its minimum.
    EXPECT_LE(balancer->exchangeStates().kept, ExchangePool::kMinKept);
    // Idle connections without buffers serve their next request as before.
    for (auto& c : clients) {
        const auto answer = c->request(boost::beast::http::verb::get, "/search");
        ASSERT_TRUE(answer.has_value());
        EXPECT_EQ(answer->status, 200u);
    }
    EXPECT_EQ(balancer->openConnections(), static_cast<std::size_t>(kClients));
}

TEST_F(LeanConnectionTest, ABurstsStatesAndUpstreamConnectionsGoBackAfterIt)
{
    // 30 requests in flight at once (sent before any answer is read), each on its own connection.
    constexpr int kBurst = 30;
    asio::io_context clientIo;
    std::vector<tcp::socket> sockets;
    const std::string request = "GET /search HTTP/1.1\r\nHost: x\r\n\r\n";
    for (int i = 0; i < kBurst; ++i) {
        sockets.emplace_back(clientIo);
        sockets.back().connect(balancer->endpoint());
        timeval tv{5, 0};
        ::setsockopt(sockets.back().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    for (auto& s : sockets)
        asio::write(s, asio::buffer(request));
    for (auto& s : sockets) {
        std::string head;
        char c = 0;
        boost::system::error_code ec;
        while (head.find("\r\n\r\n") == std::string::npos && asio::read(s, asio::buffer(&c, 1), ec) == 1)
            head += c;
        ASSERT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head << ec.message();
    }
    const auto afterBurst = balancer->exchangeStates();
    EXPECT_GT(afterBurst.kept, ExchangePool::kMinKept) << "the burst needed more states than the minimum";
    EXPECT_GT(balancer->idleUpstreamConnections(), 1u) << "the burst needed more than one upstream connection";
    // Quiet now: within a few sweeps the pools shrink to what one request at a time needs.
    EXPECT_TRUE(waitFor([&] { return balancer->exchangeStates().kept <= ExchangePool::kMinKept; }))
        << balancer->exchangeStates().kept << " states still kept";
    EXPECT_TRUE(waitFor([&] { return balancer->idleUpstreamConnections() == 0; }))
        << balancer->idleUpstreamConnections() << " idle upstream connections still kept";
    EXPECT_EQ(balancer->openConnections(), static_cast<std::size_t>(kBurst)) << "the clients' connections stay open";
}

/// Busy connections: every request counts as close to the last one, and the grace is long enough
/// to look at a hot connection, short enough to wait for it to cool.
class HotConnectionTest : public LeanConnectionTest {
protected:
    void adjust(Balancer::Options& o) override
    {
        o.busyGapSeconds = 3600;
        o.hotGraceSeconds = 2;
        o.idleTimeoutSeconds = 4;
    }
};

TEST_F(HotConnectionTest, ABusyConnectionKeepsItsStateForTheGraceThenGivesItBack)
{
    test::TestHttpClient client(balancer->endpoint());
    for (int i = 0; i < 2; ++i) {
        const auto answer = client.request(boost::beast::http::verb::get, "/search");
        ASSERT_TRUE(answer.has_value());
        EXPECT_EQ(answer->status, 200u);
    }
    // The second request came soon after the first: the connection waits hot, with its state.
    EXPECT_EQ(balancer->exchangeStates().inUse, 1u) << "a busy connection keeps its state for the grace";
    // The grace passes: the state goes back and the connection waits with nothing but its socket.
    EXPECT_TRUE(waitFor([&] { return balancer->exchangeStates().inUse == 0; }))
        << "a hot connection never gave its state back";
    EXPECT_EQ(balancer->openConnections(), 1u) << "cooling does not close the connection";
    // It serves its next request as before.
    const auto answer = client.request(boost::beast::http::verb::get, "/search");
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->status, 200u);
    EXPECT_EQ(capture.eventCount(), 3u);
}

TEST_F(HotConnectionTest, AHotConnectionStillMeetsTheIdleTimeout)
{
    test::TestHttpClient client(balancer->endpoint());
    for (int i = 0; i < 2; ++i)
        ASSERT_TRUE(client.request(boost::beast::http::verb::get, "/search").has_value());
    ASSERT_EQ(balancer->openConnections(), 1u);
    // Hot for the grace, then idle: the idle timeout closes it (quietly, nothing captured).
    EXPECT_TRUE(waitFor([&] { return balancer->openConnections() == 0; }, std::chrono::seconds(15)))
        << "a connection that went quiet after a busy moment was never closed";
    EXPECT_EQ(capture.eventCount(), 2u);
}

TEST_F(HotConnectionTest, PipelinedAndHotRequestsAreAllServedInOrder)
{
    // Three requests in one write, then two more one at a time on the hot connection.
    asio::io_context clientIo;
    tcp::socket s(clientIo);
    s.connect(balancer->endpoint());
    timeval tv{5, 0};
    ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const auto get = [](int i) { return "GET /search?q=" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n"; };
    asio::write(s, asio::buffer(get(1) + get(2) + get(3)));
    std::string received;
    const auto readAnswers = [&](std::size_t count) {
        char buf[4096];
        boost::system::error_code ec;
        std::size_t answers = 0;
        while (answers < count) {
            const std::size_t n = s.read_some(asio::buffer(buf), ec);
            if (ec)
                return false;
            received.append(buf, n);
            answers = 0;
            for (std::size_t at = received.find("HTTP/1.1 200"); at != std::string::npos;
                 at = received.find("HTTP/1.1 200", at + 1))
                ++answers;
        }
        return true;
    };
    ASSERT_TRUE(readAnswers(3));
    asio::write(s, asio::buffer(get(4)));
    ASSERT_TRUE(readAnswers(4));
    asio::write(s, asio::buffer(get(5)));
    ASSERT_TRUE(readAnswers(5));
    ASSERT_TRUE(waitFor([&] { return capture.eventCount() == 5u; }));
    std::ostringstream csv;
    capture.writeEventsCsv(csv);
    std::size_t last = 0;
    for (int i = 1; i <= 5; ++i) {
        const std::size_t at = csv.str().find("/search?q=" + std::to_string(i) + ",");
        ASSERT_NE(at, std::string::npos) << "request " << i << " not captured:\n" << csv.str();
        EXPECT_GT(at, last) << "request " << i << " captured out of order";
        last = at;
    }
}

/// A short grace and a long idle limit: a connection closed by the idle limit would take 30 s.
class ShortGraceTest : public LeanConnectionTest {
protected:
    void adjust(Balancer::Options& o) override
    {
        o.busyGapSeconds = 3600;
        o.hotGraceSeconds = 0.2;
        o.idleTimeoutSeconds = 30;
    }
};

TEST_F(ShortGraceTest, ABusyClientThatSendsItsLastRequestAndClosesIsAnsweredAndClosed)
{
    // The request and the end of stream arrive together: one epoll edge for both. The hot wait
    // after the answer waits without trying first (the request's read drained the socket), and
    // must still see the end of stream, at the latest when the grace hands it to the readiness wait.
    asio::io_context clientIo;
    tcp::socket s(clientIo);
    s.connect(balancer->endpoint());
    timeval tv{20, 0};
    ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const std::string get = "GET /search HTTP/1.1\r\nHost: x\r\n\r\n";
    std::string received;
    const auto answers = [&] {
        std::size_t count = 0;
        for (std::size_t at = received.find("HTTP/1.1 200"); at != std::string::npos; at = received.find("HTTP/1.1 200", at + 1))
            ++count;
        return count;
    };
    char buf[4096];
    boost::system::error_code ec;
    for (std::size_t i = 1; i <= 2; ++i) { // two requests close together: the connection is busy
        asio::write(s, asio::buffer(get));
        while (answers() < i && !ec)
            received.append(buf, s.read_some(asio::buffer(buf), ec));
        ASSERT_FALSE(ec) << ec.message();
    }
    asio::write(s, asio::buffer(get));
    s.shutdown(tcp::socket::shutdown_send);
    const auto sent = std::chrono::steady_clock::now();
    while (!ec)
        received.append(buf, s.read_some(asio::buffer(buf), ec));
    EXPECT_EQ(ec, asio::error::eof) << "the balancer did not close the connection: " << ec.message();
    EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::seconds(15)) << "closed only by the idle limit";
    EXPECT_EQ(answers(), 3u) << received;
    EXPECT_TRUE(waitFor([&] { return balancer->openConnections() == 0; }));
}

} // namespace
} // namespace lblab
