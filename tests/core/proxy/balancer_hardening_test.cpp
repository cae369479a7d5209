// The balancer against hostile or broken peers, through raw sockets: every request below is
// written byte for byte, and the test reads the status line the balancer answers.

#include "core/backend/backend_server.h"
#include "core/proxy/balancer.h"
#include "core/record/capture.h"
#include "support/test_http_client.h"
#include "support/wait_for.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/time.h>

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace lblab {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using test::waitFor;

/// What came back on a raw connection.
struct RawReply {
    std::string bytes;     ///< everything read until close or timeout
    bool closed = false;   ///< the balancer closed the connection (EOF or reset)
    unsigned status() const
    {
        if (bytes.rfind("HTTP/1.", 0) != 0 || bytes.size() < 12)
            return 0;
        return static_cast<unsigned>(std::stoi(bytes.substr(9, 3)));
    }
};

/// A plain blocking socket with a receive timeout, so no test can hang: a reply that was cut by
/// this timeout, not by the balancer, is not `closed`, which is how the tests below tell that the
/// balancer's own deadline fired (without timing it against the wall clock).
class RawConnection {
public:
    explicit RawConnection(tcp::endpoint server, std::chrono::milliseconds timeout = 3000ms) : m_socket(m_io)
    {
        m_socket.connect(server);
        timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
        ::setsockopt(m_socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(m_socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }

    /// Writes the bytes; false if the balancer has already closed.
    bool send(const std::string& bytes)
    {
        boost::system::error_code ec;
        asio::write(m_socket, asio::buffer(bytes), ec);
        return !ec;
    }

    /// Reads until the balancer closes, the timeout passes, or (if `oneResponse`) a full header arrived.
    RawReply read(bool oneResponse = false)
    {
        RawReply r;
        char chunk[4096];
        for (;;) {
            boost::system::error_code ec;
            const std::size_t n = m_socket.read_some(asio::buffer(chunk), ec);
            r.bytes.append(chunk, n);
            if (ec) {
                r.closed = ec == asio::error::eof || ec == asio::error::connection_reset;
                return r;
            }
            if (oneResponse && r.bytes.find("\r\n\r\n") != std::string::npos) {
                // Headers are in; read the body the Content-Length announces.
                const auto cl = r.bytes.find("Content-Length: ");
                const std::size_t head = r.bytes.find("\r\n\r\n") + 4;
                const std::size_t body = cl == std::string::npos ? 0 : std::stoul(r.bytes.substr(cl + 16));
                if (r.bytes.size() >= head + body)
                    return r;
            }
        }
    }

private:
    asio::io_context m_io;
    tcp::socket m_socket;
};

/// A backend that misbehaves on purpose: accepts and never answers, or answers garbage.
class BrokenBackend {
public:
    enum class Mode { Hang, Garbage };

    explicit BrokenBackend(Mode mode) : m_mode(mode), m_acceptor(m_io, {asio::ip::make_address("127.0.0.1"), 0})
    {
        accept();
        m_thread = std::thread([this] { m_io.run(); });
    }
    ~BrokenBackend()
    {
        m_io.stop();
        m_thread.join();
    }
    tcp::endpoint endpoint() const { return m_acceptor.local_endpoint(); }
    int accepted() const { return m_accepted; }

private:
    void accept()
    {
        m_acceptor.async_accept([this](boost::system::error_code ec, tcp::socket s) {
            if (ec)
                return;
            ++m_accepted;
            auto socket = std::make_shared<tcp::socket>(std::move(s));
            m_held.push_back(socket);
            if (m_mode == Mode::Garbage) {
                auto buf = std::make_shared<std::array<char, 4096>>();
                socket->async_read_some(asio::buffer(*buf), [socket, buf](boost::system::error_code rec, std::size_t) {
                    if (rec)
                        return;
                    static const std::string junk = "SPAM SPAM SPAM\r\nnot: http\r\n\r\n";
                    asio::async_write(*socket, asio::buffer(junk), [socket](boost::system::error_code, std::size_t) {
                        boost::system::error_code ignored;
                        socket->shutdown(tcp::socket::shutdown_both, ignored);
                    });
                });
            }
            accept();
        });
    }

    Mode m_mode;
    asio::io_context m_io;
    tcp::acceptor m_acceptor;
    std::vector<std::shared_ptr<tcp::socket>> m_held;
    std::atomic<int> m_accepted{0};
    std::thread m_thread;
};

class BalancerHardeningTest : public ::testing::Test {
protected:
    void SetUp() override { capture.begin(Clock::now()); }

    void startLab(Balancer::Options o = options(), int servers = 2)
    {
        balancer = std::make_unique<Balancer>(o, capture);
        for (int i = 0; i < servers; ++i) {
            BackendSpec spec;
            spec.name = "s" + std::to_string(i + 1);
            spec.serviceTimeMs = 0.2;
            spec.model = ServiceTimeModel::Constant;
            auto b = std::make_unique<BackendServer>(io, spec, 7 + i);
            b->start(0);
            balancer->addBackend(spec.name, spec.region, 1, b->endpoint());
            backends.push_back(std::move(b));
        }
        ioThread = std::thread([this] { io.run(); });
        balancer->start();
    }

    static Balancer::Options options()
    {
        Balancer::Options o;
        o.headerTimeoutSeconds = 0.3;
        o.idleTimeoutSeconds = 0.3;
        o.upstreamTimeoutSeconds = 0.3;
        o.requestBodyLimit = 1024;
        o.healthCheck.intervalSeconds = 60; // no probe changes a backend's state during a test
        return o;
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

    std::uint64_t forwarded() const
    {
        std::uint64_t n = 0;
        for (const auto& b : backends)
            n += b->stats().requests;
        return n;
    }

    /// Sends `bytes` on a fresh connection and reads until the balancer closes it.
    RawReply exchange(const std::string& bytes)
    {
        RawConnection c(balancer->endpoint());
        c.send(bytes);
        return c.read();
    }

    Capture capture{Capture::Options{}};
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> guard{io.get_executor()};
    std::thread ioThread;
    std::vector<std::unique_ptr<BackendServer>> backends;
    std::unique_ptr<Balancer> balancer;
};

// ---- malformed framing and fields: 400 and close, never forwarded -----------------------------

struct BadRequest {
    const char* name;
    std::string bytes;
    unsigned status;
};

void PrintTo(const BadRequest& r, std::ostream* os) { *os << r.name; }

std::string withBody(const std::string& head, const std::string& body) { return head + "\r\n" + body; }

const std::vector<BadRequest>& badRequests()
{
    static const std::vector<BadRequest> all = {
        {"ContentLengthAndTransferEncoding",
         withBody("POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"),
         400},
        {"TransferEncodingThenContentLength",
         withBody("POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n"),
         400},
        {"DuplicateContentLength",
         withBody("POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n", "hello"), 400},
        {"ConflictingContentLength",
         withBody("POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n", "hello!"), 400},
        {"ContentLengthList", withBody("POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n", "hello"), 400},
        {"NonNumericContentLength", withBody("POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n", ""), 400},
        {"SignedContentLength", withBody("POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n", "hello"), 400},
        {"OverflowingContentLength",
         withBody("POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999999\r\n", "hello"), 400},
        {"NonHexChunkSize",
         withBody("POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n", "zz\r\nhello\r\n0\r\n\r\n"), 400},
        {"OverflowingChunkSize",
         withBody("POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n",
                  "fffffffffffffffffffff1\r\nhello\r\n0\r\n\r\n"),
         400},
        {"UnknownTransferEncoding",
         withBody("POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n", "hello"), 400},
        {"TransferEncodingListEndingInChunked",
         withBody("POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n"), 400},
        {"RepeatedTransferEncoding",
         withBody("POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
                  "0\r\n\r\n"),
         400},
        {"ChunkedTwiceInOneField",
         withBody("POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n", "0\r\n\r\n"), 400},
        {"ObfuscatedTransferEncoding",
         withBody("POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n", "0\r\n\r\n"), 400},
        {"TransferEncodingWithVerticalTab",
         withBody("POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \x0b" "chunked\r\n", "0\r\n\r\n"), 400},
        {"ObsFold", withBody("GET /search HTTP/1.1\r\nHost: x\r\nX-Long: a\r\n b\r\n", ""), 400},
        {"ObsFoldWithTab", withBody("GET /search HTTP/1.1\r\nHost: x\r\nX-Long: a\r\n\tb\r\n", ""), 400},
        {"CrInsideValue", withBody("GET /search HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n", ""), 400},
        {"LfInsideValue", withBody("GET /search HTTP/1.1\r\nHost: x\r\nX-A: a\nb\r\n", ""), 400},
        {"NulInsideValue", withBody(std::string("GET /search HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n", 41), ""), 400},
        {"WhitespaceBeforeColon", withBody("GET /search HTTP/1.1\r\nHost : x\r\n", ""), 400},
        {"TabBeforeColon", withBody("POST /login HTTP/1.1\r\nHost: x\r\nContent-Length\t: 5\r\n", "hello"), 400},
        {"Http11WithoutHost", withBody("GET /search HTTP/1.1\r\nX-A: b\r\n", ""), 400},
        {"TwoHosts", withBody("GET /search HTTP/1.1\r\nHost: a\r\nHost: b\r\n", ""), 400},
        {"RequestLineOver8KiB", withBody("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n", ""), 414},
        {"EndlessRequestLine", "GET /" + std::string(20000, 'a'), 414},
        {"HeaderBlockOver16KiB",
         [] {
             std::string h = "GET /search HTTP/1.1\r\nHost: x\r\n";
             for (int i = 0; i < 20; ++i)
                 h += "X-Pad-" + std::to_string(i) + ": " + std::string(1000, 'p') + "\r\n";
             return h + "\r\n";
         }(),
         431},
        {"Over100Fields",
         [] {
             std::string h = "GET /search HTTP/1.1\r\nHost: x\r\n";
             for (int i = 0; i < 101; ++i)
                 h += "X-F" + std::to_string(i) + ": v\r\n";
             return h + "\r\n";
         }(),
         431},
        {"DeclaredBodyOverLimit",
         withBody("POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n", std::string(2000, 'b')), 413},
        {"UnknownExpectation",
         withBody("POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: fly\r\n", "hello"), 417},
        {"ChunkedBodyOverLimit",
         withBody("POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n",
                  "7d0\r\n" + std::string(2000, 'b') + "\r\n0\r\n\r\n"),
         413},
    };
    return all;
}

class BadRequestTest : public BalancerHardeningTest, public ::testing::WithParamInterface<BadRequest> {};

TEST_P(BadRequestTest, IsRefusedClosedNotForwardedAndCaptured)
{
    startLab();
    const auto reply = exchange(GetParam().bytes);
    EXPECT_EQ(reply.status(), GetParam().status) << reply.bytes.substr(0, 300);
    EXPECT_TRUE(reply.closed) << "the connection must be closed after a refusal";
    EXPECT_NE(reply.bytes.find("Connection: close"), std::string::npos);
    EXPECT_EQ(forwarded(), 0u) << "a refused request reached a backend";
    EXPECT_EQ(capture.eventCount(), 1u) << "a refused request is captured (as a 4xx, decision no-backend)";
    // The balancer is still fine.
    test::TestHttpClient client(balancer->endpoint());
    auto a = client.get("/search");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, 200u);
}

INSTANTIATE_TEST_SUITE_P(Http, BadRequestTest, ::testing::ValuesIn(badRequests()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(BalancerHardeningTest, WellFormedRequestsStillPass)
{
    startLab();
    RawConnection c(balancer->endpoint());
    // Chunked, an exact Content-Length, HTTP/1.0 without Host, a leading empty line, pipelining.
    ASSERT_TRUE(c.send("POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
    EXPECT_EQ(c.read(true).status(), 200u);
    ASSERT_TRUE(c.send("POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"));
    EXPECT_EQ(c.read(true).status(), 200u);
    ASSERT_TRUE(c.send("\r\nGET /search HTTP/1.1\r\nHost: x\r\nX-Tab:\ta\tb\r\n\r\nGET /search HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto two = c.read(true);
    EXPECT_EQ(two.status(), 200u);
    RawConnection old(balancer->endpoint());
    ASSERT_TRUE(old.send("GET /search HTTP/1.0\r\n\r\n"));
    EXPECT_EQ(old.read().status(), 200u);
    EXPECT_GE(forwarded(), 4u);
}

// ---- time and connection bounds -----------------------------------------------------------------

TEST_F(BalancerHardeningTest, SlowHeadersGet408AndClose)
{
    startLab();
    RawConnection c(balancer->endpoint());
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(c.send("GET /search HTTP/1.1\r\nHost: x\r\nX-Slow: "));
    std::this_thread::sleep_for(100ms); // the stimulus: a byte trickles in while the deadline runs
    c.send("a"); // still trickling: the deadline is for the whole header block
    const auto reply = c.read();
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(reply.status(), 408u) << reply.bytes;
    EXPECT_TRUE(reply.closed) << "the balancer's header deadline closed it, not the test's read timeout";
    EXPECT_GE(took, 250ms) << "not before the 0.3 s header deadline";
    EXPECT_EQ(forwarded(), 0u);
    EXPECT_EQ(capture.eventCount(), 1u);
}

TEST_F(BalancerHardeningTest, SilentConnectionGets408WithoutACapturedRequest)
{
    startLab();
    RawConnection c(balancer->endpoint());
    const auto reply = c.read();
    EXPECT_EQ(reply.status(), 408u) << reply.bytes;
    EXPECT_TRUE(reply.closed);
    EXPECT_EQ(capture.eventCount(), 0u);
}

TEST_F(BalancerHardeningTest, IdleKeepAliveClosesQuietly)
{
    startLab();
    RawConnection c(balancer->endpoint());
    ASSERT_TRUE(c.send("GET /search HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_EQ(c.read(true).status(), 200u);
    const auto after = c.read();
    EXPECT_TRUE(after.closed) << "the balancer's idle deadline closed it, not the test's read timeout";
    EXPECT_EQ(after.bytes, "") << "an idle keep-alive connection closes without an answer";
    EXPECT_EQ(capture.eventCount(), 1u);
}

TEST_F(BalancerHardeningTest, ConnectionsBeyondTheBoundGet503)
{
    auto o = options();
    o.maxConnections = 2;
    o.headerTimeoutSeconds = 5;
    startLab(o);
    RawConnection a(balancer->endpoint());
    RawConnection b(balancer->endpoint());
    ASSERT_TRUE(waitFor([&] { return balancer->openConnections() >= 2; }));
    RawConnection c(balancer->endpoint());
    const auto reply = c.read();
    EXPECT_EQ(reply.status(), 503u) << reply.bytes;
    EXPECT_TRUE(reply.closed);
    // The two admitted ones are served.
    ASSERT_TRUE(a.send("GET /search HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_EQ(a.read(true).status(), 200u);
    EXPECT_EQ(forwarded(), 1u);
}

// ---- upstream faults ----------------------------------------------------------------------------

TEST_F(BalancerHardeningTest, HangingBackendGives504WithinTheUpstreamTimeout)
{
    BrokenBackend hang(BrokenBackend::Mode::Hang);
    startLab(options(), 0);
    balancer->addBackend("hang", "eu", 1, hang.endpoint());
    RawConnection c(balancer->endpoint());
    ASSERT_TRUE(c.send("GET /search HTTP/1.1\r\nHost: x\r\n\r\n"));
    const auto reply = c.read(true);
    // A 504 (not a cut read) shows the 0.3 s upstream timeout fired well before the test's 3 s one.
    EXPECT_EQ(reply.status(), 504u) << reply.bytes;
    EXPECT_EQ(capture.totals().errors, 1u);
}

TEST_F(BalancerHardeningTest, GarbageFromABackendGives502AndIsCounted)
{
    BrokenBackend junk(BrokenBackend::Mode::Garbage);
    startLab(options(), 0);
    balancer->addBackend("junk", "eu", 1, junk.endpoint());
    RawConnection c(balancer->endpoint());
    ASSERT_TRUE(c.send("GET /search HTTP/1.1\r\nHost: x\r\n\r\n"));
    const auto reply = c.read(true);
    EXPECT_EQ(reply.status(), 502u) << reply.bytes;
    EXPECT_NE(reply.bytes.find("junk"), std::string::npos);
    EXPECT_EQ(capture.totals().errors, 1u);
    EXPECT_GE(junk.accepted(), 1);
}

// ---- faults under load ------------------------------------------------------------------------------

TEST_F(BalancerHardeningTest, BackendKilledUnderLoadNoClientHangsAndIdempotentRequestsAreRetried)
{
    auto o = options();
    o.upstreamTimeoutSeconds = 2;
    startLab(o, 3);
    std::atomic<bool> run{true};
    std::atomic<int> answered{0}, ok{0}, lost{0};
    std::mutex failMutex;
    std::string failures;
    std::vector<std::thread> clients;
    for (int t = 0; t < 6; ++t)
        clients.emplace_back([&] {
            test::TestHttpClient client(balancer->endpoint());
            while (run) {
                const auto a = client.get("/search");
                if (!a) {
                    ++lost;
                    continue;
                }
                ++answered;
                ok += a->status == 200;
                if (a->status != 200) {
                    std::lock_guard lock(failMutex);
                    failures += std::to_string(a->status) + " " + a->error + "; ";
                }
            }
        });
    const bool loaded = waitFor([&] { return answered >= 30; });
    const int before = answered;
    backends[1]->kill();
    // Requests keep flowing, and some met the killed backend and were retried.
    const bool retried = waitFor([&] { return answered >= before + 60 && capture.totals().retries >= 1; });
    run = false;
    // A hung request would end at the client's 5 s socket timeout and count as lost.
    for (auto& c : clients)
        c.join();
    ASSERT_TRUE(loaded);
    EXPECT_TRUE(retried);
    EXPECT_GT(before, 0);
    EXPECT_GT(answered.load(), before);
    EXPECT_EQ(lost.load(), 0) << "every request gets an answer";
    EXPECT_EQ(ok.load(), answered.load()) << "GETs to the killed backend are retried elsewhere: " << failures;
    EXPECT_GE(capture.totals().retries, 1u);
    EXPECT_EQ(capture.eventCount(), static_cast<std::uint64_t>(answered.load())) << "every answer is captured";
    EXPECT_FALSE(balancer->backends()[1].info.up);
}

TEST_F(BalancerHardeningTest, VanishingClientsLeaveNoSessionBehind)
{
    auto o = options();
    startLab(o, 1);
    backends[0]->setServiceTimeMs(100);
    {
        std::vector<std::unique_ptr<RawConnection>> gone;
        for (int i = 0; i < 30; ++i) {
            auto c = std::make_unique<RawConnection>(balancer->endpoint());
            switch (i % 3) {
            case 0: c->send("GET /search HTTP/1.1\r\nHost: x\r\nX-Half"); break;            // mid-header
            case 1: c->send("POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab"); break; // mid-body
            default: c->send("GET /search HTTP/1.1\r\nHost: x\r\n\r\n"); break;           // before the answer
            }
            gone.push_back(std::move(c));
        }
        EXPECT_TRUE(waitFor([&] { return balancer->openConnections() >= 30; }));
        EXPECT_EQ(balancer->openConnections(), 30u);
    } // all of them vanish here
    EXPECT_TRUE(waitFor([&] { return balancer->openConnections() == 0; }));
    EXPECT_EQ(balancer->openConnections(), 0u) << "sessions leaked";
    test::TestHttpClient client(balancer->endpoint());
    auto a = client.get("/search");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, 200u);
}

// ---- backend answers the balancer must re-frame or refuse ---------------------------------------

/// A backend that answers every request with the same scripted bytes, then closes if told to.
class ScriptedBackend {
public:
    ScriptedBackend(std::string answer, bool closeAfter)
        : m_answer(std::move(answer)), m_close(closeAfter), m_acceptor(m_io, {asio::ip::make_address("127.0.0.1"), 0})
    {
        accept();
        m_thread = std::thread([this] { m_io.run(); });
    }
    ~ScriptedBackend()
    {
        m_io.stop();
        m_thread.join();
    }
    tcp::endpoint endpoint() const { return m_acceptor.local_endpoint(); }
    /// The last request head the backend received.
    std::string lastRequest() const
    {
        std::lock_guard lock(m_mutex);
        return m_last;
    }

private:
    struct Conn {
        explicit Conn(tcp::socket s) : socket(std::move(s)) {}
        tcp::socket socket;
        std::string in;
        std::array<char, 4096> chunk{};
    };

    void accept()
    {
        m_acceptor.async_accept([this](boost::system::error_code ec, tcp::socket s) {
            if (ec)
                return;
            auto c = std::make_shared<Conn>(std::move(s));
            m_held.push_back(c);
            read(c);
            accept();
        });
    }

    void read(const std::shared_ptr<Conn>& c)
    {
        c->socket.async_read_some(asio::buffer(c->chunk), [this, c](boost::system::error_code ec, std::size_t n) {
            if (ec)
                return;
            c->in.append(c->chunk.data(), n);
            const auto end = c->in.find("\r\n\r\n");
            if (end == std::string::npos)
                return read(c);
            {
                std::lock_guard lock(m_mutex);
                m_last = c->in.substr(0, end + 4);
            }
            c->in.erase(0, end + 4);
            asio::async_write(c->socket, asio::buffer(m_answer), [this, c](boost::system::error_code wec, std::size_t) {
                if (wec)
                    return;
                if (m_close) {
                    boost::system::error_code ignored;
                    c->socket.shutdown(tcp::socket::shutdown_both, ignored);
                    return;
                }
                read(c);
            });
        });
    }

    std::string m_answer;
    bool m_close;
    asio::io_context m_io;
    tcp::acceptor m_acceptor;
    std::vector<std::shared_ptr<Conn>> m_held;
    mutable std::mutex m_mutex;
    std::string m_last;
    std::thread m_thread;
};

struct ScriptedCase {
    const char* name;
    std::string answer;
    bool close;
    unsigned status;     ///< what the client must get
    std::string body;    ///< when 200: the body the client must get
};

void PrintTo(const ScriptedCase& c, std::ostream* os) { *os << c.name; }

const std::vector<ScriptedCase>& scriptedCases()
{
    static const std::vector<ScriptedCase> all = {
        {"ContentLength", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false, 200, "hello"},
        {"Chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\nT: 1\r\n\r\n",
         false, 200, "hello world"},
        {"CloseDelimited", "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end", true, 200, "until the end"},
        {"InterimContinueIsSkipped", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false,
         200, "ok"},
        {"TruncatedBody", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", true, 502, ""},
        {"TruncatedHead", "HTTP/1.1 200 OK\r\nContent-Len", true, 502, ""},
        {"TruncatedChunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", true, 502, ""},
        {"BadChunkSize", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", false, 502, ""},
        {"ConflictingLengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok", false, 502, ""},
        {"OversizeHeaders", "HTTP/1.1 200 OK\r\nX-Big: " + std::string(70 * 1024, 'h') + "\r\n\r\n", false, 502, ""},
        {"BodyOverLimit", "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'b'), false, 502, ""},
        {"ChunkedBodyOverLimit",
         "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1388\r\n" + std::string(5000, 'b') + "\r\n0\r\n\r\n", false,
         502, ""},
        {"CloseDelimitedOverLimit", "HTTP/1.1 200 OK\r\n\r\n" + std::string(5000, 'b'), true, 502, ""},
    };
    return all;
}

class ScriptedBackendTest : public BalancerHardeningTest, public ::testing::WithParamInterface<ScriptedCase> {};

TEST_P(ScriptedBackendTest, AnswerIsReframedOrRefused)
{
    const auto& param = GetParam();
    ScriptedBackend backend(param.answer, param.close);
    auto o = options();
    o.responseBodyLimit = 4096;
    startLab(o, 0);
    balancer->addBackend("scripted", "eu", 1, backend.endpoint());
    RawConnection c(balancer->endpoint());
    ASSERT_TRUE(c.send("GET /search HTTP/1.1\r\nHost: x\r\n\r\n"));
    const auto reply = c.read(true);
    ASSERT_EQ(reply.status(), param.status) << reply.bytes.substr(0, 300);
    const std::size_t head = reply.bytes.find("\r\n\r\n");
    ASSERT_NE(head, std::string::npos);
    if (param.status == 200) {
        EXPECT_EQ(reply.bytes.substr(head + 4), param.body);
        EXPECT_NE(reply.bytes.find("Content-Length: " + std::to_string(param.body.size()) + "\r\n"), std::string::npos)
            << "the answer is re-framed with a Content-Length";
        EXPECT_EQ(reply.bytes.find("Transfer-Encoding"), std::string::npos);
        // The connection stays usable for the next request.
        ASSERT_TRUE(c.send("GET /search HTTP/1.1\r\nHost: x\r\n\r\n"));
        EXPECT_EQ(c.read(true).status(), 200u);
    } else {
        EXPECT_NE(reply.bytes.find("scripted"), std::string::npos) << "the reason names the backend";
        EXPECT_NE(reply.bytes.find("X-LBLab-Error: "), std::string::npos);
    }
    EXPECT_EQ(capture.eventCount(), param.status == 200 ? 2u : 1u);
}

INSTANTIATE_TEST_SUITE_P(Upstream, ScriptedBackendTest, ::testing::ValuesIn(scriptedCases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(BalancerHardeningTest, HeadAnswerHasNoBodyAndKeepsItsLength)
{
    ScriptedBackend backend("HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n", false);
    startLab(options(), 0);
    balancer->addBackend("scripted", "eu", 1, backend.endpoint());
    RawConnection c(balancer->endpoint());
    ASSERT_TRUE(c.send("HEAD /search HTTP/1.1\r\nHost: x\r\n\r\n"));
    RawConnection probe(balancer->endpoint(), 1000ms);
    const auto reply = c.read(true);
    (void)probe;
    // read(true) waits for the announced 42 bytes that never come: it ends at its timeout, and
    // what it got must be exactly the head.
    EXPECT_EQ(reply.status(), 200u) << reply.bytes;
    EXPECT_NE(reply.bytes.find("Content-Length: 42\r\n"), std::string::npos) << reply.bytes;
    EXPECT_EQ(reply.bytes.size(), reply.bytes.find("\r\n\r\n") + 4) << "no body after a HEAD answer";
}

TEST_F(BalancerHardeningTest, UpstreamRequestIsReformattedInOnePiece)
{
    ScriptedBackend backend("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false);
    startLab(options(), 0);
    balancer->addBackend("scripted", "eu", 1, backend.endpoint());
    RawConnection c(balancer->endpoint());
    ASSERT_TRUE(c.send("POST /login HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nKeep-Alive: 5\r\n"
                       "X-Forwarded-For: 10.0.0.1\r\nTransfer-Encoding: chunked\r\nTE: trailers\r\n\r\n"
                       "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
    const auto reply = c.read(true);
    EXPECT_EQ(reply.status(), 200u) << reply.bytes;
    const std::string up = backend.lastRequest();
    EXPECT_EQ(up.rfind("POST /login HTTP/1.1\r\n", 0), 0u) << up;
    EXPECT_NE(up.find("Host: x\r\n"), std::string::npos) << up;
    EXPECT_NE(up.find("X-Forwarded-For: 10.0.0.1, 127.0.0.1\r\n"), std::string::npos) << up;
    EXPECT_NE(up.find("Content-Length: 5\r\n"), std::string::npos) << "the chunked body is re-framed: " << up;
    for (const char* hop : {"Connection", "Keep-Alive", "Transfer-Encoding", "TE:"})
        EXPECT_EQ(up.find(hop), std::string::npos) << hop << " must not be forwarded: " << up;
}

TEST_F(BalancerHardeningTest, FieldsNamedByConnectionStayOnTheirHop)
{
    // RFC 9110 7.6.1: a field listed in Connection is for the next hop only, in both directions.
    ScriptedBackend backend("HTTP/1.1 200 OK\r\nConnection: X-Internal\r\nX-Internal: debug\r\n"
                            "X-Public: 1\r\nContent-Length: 2\r\n\r\nok",
                            false);
    startLab(options(), 0);
    balancer->addBackend("scripted", "eu", 1, backend.endpoint());
    RawConnection c(balancer->endpoint());
    ASSERT_TRUE(c.send("GET /search HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, X-Hop\r\n"
                       "X-Hop: secret\r\nX-Keep: yes\r\n\r\n"));
    const auto reply = c.read(true);
    EXPECT_EQ(reply.status(), 200u) << reply.bytes;
    const std::string up = backend.lastRequest();
    EXPECT_EQ(up.find("X-Hop"), std::string::npos) << "a Connection-listed field was forwarded: " << up;
    EXPECT_NE(up.find("X-Keep: yes\r\n"), std::string::npos) << up;
    EXPECT_EQ(reply.bytes.find("X-Internal"), std::string::npos) << "the backend's hop field reached the client: "
                                                                 << reply.bytes;
    EXPECT_NE(reply.bytes.find("X-Public: 1\r\n"), std::string::npos) << reply.bytes;
}

TEST_F(BalancerHardeningTest, ExpectContinueGetsAnInterimAnswerBeforeTheBody)
{
    ScriptedBackend backend("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false);
    startLab(options(), 0);
    balancer->addBackend("scripted", "eu", 1, backend.endpoint());
    RawConnection c(balancer->endpoint(), 1000ms);
    ASSERT_TRUE(c.send("POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
    // Like curl, the client waits for "100 Continue" before it sends the body.
    const auto interim = c.read(true);
    EXPECT_EQ(interim.bytes, "HTTP/1.1 100 Continue\r\n\r\n");
    ASSERT_TRUE(c.send("hello"));
    const auto reply = c.read(true);
    EXPECT_EQ(reply.status(), 200u) << reply.bytes;
    const std::string up = backend.lastRequest();
    EXPECT_NE(up.find("Content-Length: 5\r\n"), std::string::npos) << up;
    EXPECT_EQ(up.find("Expect"), std::string::npos) << "the backend must not answer 100 again: " << up;
}

TEST_F(BalancerHardeningTest, ExpectContinueWithTheBodyAlreadySentGetsNoInterimAnswer)
{
    startLab();
    RawConnection c(balancer->endpoint());
    ASSERT_TRUE(c.send("POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello"));
    const auto reply = c.read(true);
    EXPECT_EQ(reply.bytes.rfind("HTTP/1.1 100", 0), std::string::npos) << reply.bytes;
    EXPECT_EQ(reply.status(), 200u) << reply.bytes;
}

TEST_F(BalancerHardeningTest, IdleUpstreamConnectionClosedByTheBackendLeavesThePool)
{
    // Keep-alive answer, then the backend closes: the pooled socket is dead and must not hold a
    // descriptor until some later request happens to pick it.
    ScriptedBackend backend("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", true);
    startLab(options(), 0);
    balancer->addBackend("scripted", "eu", 1, backend.endpoint());
    RawConnection c(balancer->endpoint());
    ASSERT_TRUE(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_EQ(c.read(true).status(), 200u);
    EXPECT_TRUE(waitFor([&] { return balancer->idleUpstreamConnections() == 0; }))
        << balancer->idleUpstreamConnections() << " idle upstream connections left after the backend closed";
}

TEST_F(BalancerHardeningTest, IdleUpstreamConnectionIsClosedAfterTheIdleLimit)
{
    ScriptedBackend backend("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false);
    Balancer::Options o = options();
    o.upstreamIdleSeconds = 0.5;
    startLab(o, 0);
    balancer->addBackend("scripted", "eu", 1, backend.endpoint());
    RawConnection c(balancer->endpoint());
    ASSERT_TRUE(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_EQ(c.read(true).status(), 200u);
    EXPECT_EQ(balancer->idleUpstreamConnections(), 1u) << "a kept-alive answer pools its connection";
    EXPECT_TRUE(waitFor([&] { return balancer->idleUpstreamConnections() == 0; }));
    // The next request simply opens a fresh upstream connection (a fresh client one too: the
    // client side's idle limit here is 0.3 s).
    RawConnection next(balancer->endpoint());
    ASSERT_TRUE(next.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_EQ(next.read(true).status(), 200u);
}

/// Sends `n` requests, one after another on one connection (round robin: one per backend), and
/// returns the idle upstream connections the balancer then holds.
std::size_t idleAfterSequentialRequests(Balancer& balancer, int n)
{
    RawConnection c(balancer.endpoint());
    for (int i = 0; i < n; ++i) {
        EXPECT_TRUE(c.send("GET /search HTTP/1.1\r\nHost: x\r\n\r\n"));
        EXPECT_EQ(c.read(true).status(), 200u);
    }
    return balancer.idleUpstreamConnections();
}

TEST_F(BalancerHardeningTest, EveryBackendKeepsAnIdleConnectionBelowTheTotalCap)
{
    startLab(options(), 3);
    EXPECT_EQ(idleAfterSequentialRequests(*balancer, 3), 3u) << "one pooled connection per backend";
}

TEST_F(BalancerHardeningTest, IdleUpstreamConnectionsAreCappedAcrossBackends)
{
    Balancer::Options o = options();
    o.idlePoolTotal = 2;
    startLab(o, 3);
    EXPECT_EQ(idleAfterSequentialRequests(*balancer, 3), 2u) << "the third backend's connection is closed, not pooled";
    // A closed one costs nothing but a new connect: the next round is answered all the same.
    EXPECT_EQ(idleAfterSequentialRequests(*balancer, 3), 2u);
}

} // namespace
} // namespace lblab
