#include "core/backend/backend_server.h"
#include "support/wait_for.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace lblab {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using Response = http::response<http::string_body>;

constexpr auto kClientTimeout = 5s;

/// A plain Beast client on its own io_context; every operation has a deadline.
class TestClient {
public:
    beast::error_code connect(const tcp::endpoint& ep)
    {
        return run([&](auto handler) {
            m_stream.expires_after(kClientTimeout);
            m_stream.async_connect(ep, [handler](beast::error_code ec) mutable { handler(ec); });
        });
    }

    beast::error_code send(http::verb verb, const std::string& target,
                           std::vector<std::pair<std::string, std::string>> headers = {})
    {
        http::request<http::string_body> req{verb, target, 11};
        req.set(http::field::host, "127.0.0.1");
        for (auto& [k, v] : headers)
            req.set(k, v);
        req.prepare_payload();
        return run([&](auto handler) {
            m_stream.expires_after(kClientTimeout);
            http::async_write(m_stream, req, [handler](beast::error_code ec, std::size_t) mutable { handler(ec); });
        });
    }

    beast::error_code sendRaw(const std::string& bytes)
    {
        return run([&](auto handler) {
            m_stream.expires_after(kClientTimeout);
            asio::async_write(m_stream, asio::buffer(bytes),
                              [handler](beast::error_code ec, std::size_t) mutable { handler(ec); });
        });
    }

    std::optional<Response> receive(beast::error_code* error = nullptr)
    {
        Response res;
        const auto ec = run([&](auto handler) {
            m_stream.expires_after(kClientTimeout);
            http::async_read(m_stream, m_buffer, res, [handler](beast::error_code ec, std::size_t) mutable { handler(ec); });
        });
        if (error)
            *error = ec;
        if (ec)
            return std::nullopt;
        return res;
    }

    std::optional<Response> request(http::verb verb, const std::string& target,
                                     std::vector<std::pair<std::string, std::string>> headers = {})
    {
        if (send(verb, target, std::move(headers)))
            return std::nullopt;
        return receive();
    }

    void close()
    {
        beast::error_code ignored;
        m_stream.socket().close(ignored);
    }

private:
    template <class Start>
    beast::error_code run(Start start)
    {
        beast::error_code result = asio::error::timed_out;
        start([&result](beast::error_code ec) { result = ec; });
        m_io.restart();
        m_io.run();
        return result;
    }

    asio::io_context m_io;
    beast::tcp_stream m_stream{m_io};
    beast::flat_buffer m_buffer;
};

/// One request on a fresh connection.
std::optional<Response> fetch(const tcp::endpoint& ep, http::verb verb, const std::string& target,
                              std::vector<std::pair<std::string, std::string>> headers = {})
{
    TestClient c;
    if (c.connect(ep))
        return std::nullopt;
    return c.request(verb, target, std::move(headers));
}

BackendSpec quickSpec(const std::string& name)
{
    BackendSpec spec;
    spec.name = name;
    spec.serviceTimeMs = 0.5;
    spec.model = ServiceTimeModel::Constant;
    return spec;
}

class BackendServerTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        m_thread = std::thread([this] { m_io.run(); });
    }

    void TearDown() override
    {
        m_servers.clear(); // destroyed while the io thread still runs
        m_guard.reset();
        m_io.stop();
        m_thread.join();
    }

    BackendServer& makeServer(BackendSpec spec, std::uint64_t seed = 1)
    {
        m_servers.push_back(std::make_unique<BackendServer>(m_io, std::move(spec), seed));
        return *m_servers.back();
    }

    template <class Pred>
    static bool waitFor(Pred pred)
    {
        return test::waitFor(pred);
    }

    asio::io_context m_io;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> m_guard{m_io.get_executor()};
    std::thread m_thread;
    std::vector<std::unique_ptr<BackendServer>> m_servers;
};

TEST_F(BackendServerTest, SearchAnswers200WithBackendHeader)
{
    auto& s = makeServer(quickSpec("s1"));
    s.start();
    EXPECT_TRUE(s.alive());
    EXPECT_NE(s.endpoint().port(), 0);
    auto res = fetch(s.endpoint(), http::verb::get, "/search?loc=us");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->result(), http::status::ok);
    EXPECT_EQ((*res)["X-Backend"], "s1");
    EXPECT_EQ((*res)["X-Session"], "none");
    EXPECT_EQ((*res)[http::field::content_length], std::to_string(res->body().size()));
    const auto body = nlohmann::json::parse(res->body());
    EXPECT_EQ(body["backend"], "s1");
    EXPECT_EQ(body["loc"], "us");
    EXPECT_EQ(s.stats().requests, 1u);
}

TEST_F(BackendServerTest, LoginThenAccountWithCookieHits)
{
    auto& s = makeServer(quickSpec("s2"));
    s.start();
    auto login = fetch(s.endpoint(), http::verb::post, "/login");
    ASSERT_TRUE(login);
    EXPECT_EQ(login->result(), http::status::ok);
    EXPECT_EQ((*login)["X-Session"], "created");
    const std::string id((*login)["X-Session-Id"]);
    EXPECT_EQ(id.rfind("s2-", 0), 0u);
    EXPECT_EQ((*login)[http::field::set_cookie], "SESSIONID=" + id + "; Path=/; HttpOnly");

    auto account = fetch(s.endpoint(), http::verb::get, "/account", {{"Cookie", "SESSIONID=" + id}});
    ASSERT_TRUE(account);
    EXPECT_EQ(account->result(), http::status::ok);
    EXPECT_EQ((*account)["X-Session"], "hit");
    EXPECT_EQ((*account)["X-Backend"], "s2");
    const auto st = s.stats();
    EXPECT_EQ(st.sessionHits, 1u);
    EXPECT_EQ(st.sessionMisses, 0u);
    EXPECT_EQ(st.sessions, 1);
}

TEST_F(BackendServerTest, SessionFromAnotherBackendMisses)
{
    auto& s1 = makeServer(quickSpec("s1"));
    auto& s2 = makeServer(quickSpec("s2"));
    s1.start();
    s2.start();
    auto login = fetch(s1.endpoint(), http::verb::post, "/login");
    ASSERT_TRUE(login);
    const std::string id((*login)["X-Session-Id"]);
    auto account = fetch(s2.endpoint(), http::verb::get, "/account", {{"Cookie", "SESSIONID=" + id}});
    ASSERT_TRUE(account);
    EXPECT_EQ(account->result(), http::status::unauthorized);
    EXPECT_EQ((*account)["X-Session"], "miss");
    EXPECT_EQ((*account)["X-Backend"], "s2");
    EXPECT_EQ(s2.stats().sessionMisses, 1u);
    EXPECT_EQ(s2.stats().sessions, 0);

    auto none = fetch(s1.endpoint(), http::verb::get, "/account");
    ASSERT_TRUE(none);
    EXPECT_EQ(none->result(), http::status::unauthorized);
}

TEST_F(BackendServerTest, SidQueryParameterCarriesTheSession)
{
    auto& s = makeServer(quickSpec("s1"));
    s.start();
    auto login = fetch(s.endpoint(), http::verb::post, "/login");
    ASSERT_TRUE(login);
    const std::string id((*login)["X-Session-Id"]);
    auto account = fetch(s.endpoint(), http::verb::get, "/account?sid=" + id);
    ASSERT_TRUE(account);
    EXPECT_EQ((*account)["X-Session"], "hit");
}

TEST_F(BackendServerTest, KeepAliveServesSeveralRequestsOnOneConnection)
{
    auto& s = makeServer(quickSpec("s1"));
    s.start();
    TestClient c;
    ASSERT_FALSE(c.connect(s.endpoint()));
    for (int i = 0; i < 5; ++i) {
        auto res = c.request(http::verb::get, "/search?loc=eu");
        ASSERT_TRUE(res) << "request " << i;
        EXPECT_EQ(res->result(), http::status::ok);
        EXPECT_TRUE(res->keep_alive());
    }
    auto nf = c.request(http::verb::get, "/nowhere");
    ASSERT_TRUE(nf);
    EXPECT_EQ(nf->result(), http::status::not_found);
    EXPECT_EQ((*nf)["X-Backend"], "s1");
    EXPECT_EQ(s.stats().requests, 6u);
}

TEST_F(BackendServerTest, HealthIsNotCountedAndNeverFails)
{
    auto spec = quickSpec("s1");
    spec.errorRate = 1.0;
    auto& s = makeServer(spec);
    s.start();
    auto res = fetch(s.endpoint(), http::verb::get, "/health");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->result(), http::status::ok);
    EXPECT_EQ(res->body(), "ok");
    EXPECT_EQ((*res)["X-Backend"], "s1");
    EXPECT_EQ(s.stats().requests, 0u);
}

TEST_F(BackendServerTest, ErrorRateOneAnswers500)
{
    auto spec = quickSpec("s1");
    spec.errorRate = 1.0;
    auto& s = makeServer(spec);
    s.start();
    auto res = fetch(s.endpoint(), http::verb::get, "/search");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->result(), http::status::internal_server_error);
    EXPECT_EQ((*res)["X-Backend"], "s1");
    EXPECT_EQ(s.stats().errors, 1u);
    s.setErrorRate(0.0);
    res = fetch(s.endpoint(), http::verb::get, "/search");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->result(), http::status::ok);
}

TEST_F(BackendServerTest, FullQueueAnswers503Immediately)
{
    auto spec = quickSpec("s1");
    spec.capacity = 1;
    spec.queueLimit = 0;
    spec.serviceTimeMs = 1500; // far longer than a refusal takes, even on a slow machine
    auto& s = makeServer(spec);
    s.start();
    TestClient first;
    ASSERT_FALSE(first.connect(s.endpoint()));
    ASSERT_FALSE(first.send(http::verb::get, "/search"));
    ASSERT_TRUE(waitFor([&] { return s.stats().inFlight == 1; }));

    auto second = fetch(s.endpoint(), http::verb::get, "/search");
    ASSERT_TRUE(second);
    EXPECT_EQ(second->result(), http::status::service_unavailable);
    EXPECT_EQ((*second)["X-Backend"], "s1");
    EXPECT_EQ(s.stats().inFlight, 1) << "the 503 came while the first request was still served, not after it";
    EXPECT_EQ(s.stats().rejected, 1u);

    auto firstRes = first.receive();
    ASSERT_TRUE(firstRes);
    EXPECT_EQ(firstRes->result(), http::status::ok);
    EXPECT_EQ(s.stats().inFlight, 0);
}

TEST_F(BackendServerTest, QueuedRequestWaitsForAFreeSlot)
{
    auto spec = quickSpec("s1");
    spec.capacity = 1;
    spec.queueLimit = 1;
    spec.serviceTimeMs = 150;
    auto& s = makeServer(spec);
    s.start();
    const auto t0 = std::chrono::steady_clock::now();
    TestClient a, b;
    ASSERT_FALSE(a.connect(s.endpoint()));
    ASSERT_FALSE(b.connect(s.endpoint()));
    ASSERT_FALSE(a.send(http::verb::get, "/search"));
    ASSERT_TRUE(waitFor([&] { return s.stats().inFlight == 1; }));
    ASSERT_FALSE(b.send(http::verb::get, "/search"));
    ASSERT_TRUE(waitFor([&] { return s.stats().inFlight == 2; }));
    auto third = fetch(s.endpoint(), http::verb::get, "/search"); // queue full now
    ASSERT_TRUE(third);
    EXPECT_EQ(third->result(), http::status::service_unavailable);
    auto ra = a.receive();
    auto rb = b.receive();
    ASSERT_TRUE(ra && rb);
    EXPECT_EQ(ra->result(), http::status::ok);
    EXPECT_EQ(rb->result(), http::status::ok);
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 300ms); // served one after the other
}

TEST_F(BackendServerTest, ExponentialServiceTimeHasRoughlyTheMean)
{
    auto spec = quickSpec("s1");
    spec.model = ServiceTimeModel::Exponential;
    spec.serviceTimeMs = 0;
    auto& s = makeServer(spec, 42);
    s.start();
    TestClient c;
    ASSERT_FALSE(c.connect(s.endpoint()));
    auto timeRequests = [&](int n) {
        std::vector<double> ms;
        for (int i = 0; i < n; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            EXPECT_TRUE(c.request(http::verb::get, "/search"));
            ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        return ms;
    };
    // What a request costs without service time (slow under sanitizers), subtracted below.
    const auto base = timeRequests(20);
    const double overhead = *std::min_element(base.begin(), base.end());

    s.setServiceTimeMs(10);
    constexpr int n = 60;
    const auto ms = timeRequests(n);
    double mean = 0;
    for (double v : ms)
        mean += (v - overhead) / n;
    EXPECT_GT(mean, 5.0);
    EXPECT_LT(mean, 18.0);
    // Exponential, not constant: some draws are far below the mean, some far above.
    EXPECT_LT(*std::min_element(ms.begin(), ms.end()) - overhead, 4.0);
    EXPECT_GT(*std::max_element(ms.begin(), ms.end()) - overhead, 18.0);
}

TEST_F(BackendServerTest, ConstantServiceTimeIsNeverShorter)
{
    auto spec = quickSpec("s1");
    spec.serviceTimeMs = 20;
    auto& s = makeServer(spec);
    s.start();
    TestClient c;
    ASSERT_FALSE(c.connect(s.endpoint()));
    for (int i = 0; i < 5; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        ASSERT_TRUE(c.request(http::verb::get, "/search"));
        EXPECT_GE(std::chrono::steady_clock::now() - t0, 20ms);
    }
}

TEST_F(BackendServerTest, KillClosesEverythingAndRestoreServesOnTheSamePort)
{
    auto& s = makeServer(quickSpec("s1"));
    s.start();
    const auto ep = s.endpoint();
    auto login = fetch(ep, http::verb::post, "/login");
    ASSERT_TRUE(login);
    const std::string id((*login)["X-Session-Id"]);

    TestClient open;
    ASSERT_FALSE(open.connect(ep));
    ASSERT_TRUE(open.request(http::verb::get, "/search"));

    s.kill();
    EXPECT_FALSE(s.alive());
    beast::error_code ec;
    EXPECT_FALSE(open.receive(&ec)); // the kept-alive connection was closed under it
    EXPECT_TRUE(ec);
    TestClient refused;
    EXPECT_EQ(refused.connect(ep), asio::error::connection_refused);

    s.restore();
    EXPECT_TRUE(s.alive());
    EXPECT_EQ(s.endpoint().port(), ep.port());
    auto again = fetch(ep, http::verb::get, "/search");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->result(), http::status::ok);
    // A crash loses the server's memory: the session made before the kill is gone.
    auto account = fetch(ep, http::verb::get, "/account?sid=" + id);
    ASSERT_TRUE(account);
    EXPECT_EQ((*account)["X-Session"], "miss");
    EXPECT_EQ(s.stats().requests, 4u); // the lab's counters are kept

    s.kill();
    s.kill(); // idempotent
    s.restore();
    EXPECT_TRUE(fetch(ep, http::verb::get, "/search"));
}

TEST_F(BackendServerTest, KillDropsEverySessionAndRestoreStartsEmpty)
{
    auto& s = makeServer(quickSpec("s1"));
    s.start();
    const auto ep = s.endpoint();
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
        auto login = fetch(ep, http::verb::post, "/login");
        ASSERT_TRUE(login);
        ids.emplace_back((*login)["X-Session-Id"]);
    }
    ASSERT_EQ(s.stats().sessions, 3);

    s.kill();
    EXPECT_EQ(s.stats().sessions, 0) << "a crashed server holds nothing, at once";
    s.restore();
    EXPECT_EQ(s.stats().sessions, 0) << "restore starts with an empty session store";

    // The client still holds its cookie; the restarted server does not know it.
    auto account = fetch(ep, http::verb::get, "/account", {{"Cookie", "SESSIONID=" + ids[0]}});
    ASSERT_TRUE(account);
    EXPECT_EQ(account->result(), http::status::unauthorized);
    EXPECT_EQ((*account)["X-Session"], "miss");
    EXPECT_EQ(s.stats().sessionMisses, 1u);

    // New logins fill it again.
    auto login = fetch(ep, http::verb::post, "/login");
    ASSERT_TRUE(login);
    EXPECT_EQ(s.stats().sessions, 1);
}

TEST_F(BackendServerTest, KillWhileRequestsAreInServiceAndQueued)
{
    auto spec = quickSpec("s1");
    spec.capacity = 1;
    spec.queueLimit = 4;
    spec.serviceTimeMs = 5000;
    auto& s = makeServer(spec);
    s.start();
    std::vector<std::unique_ptr<TestClient>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<TestClient>());
        ASSERT_FALSE(clients.back()->connect(s.endpoint()));
        ASSERT_FALSE(clients.back()->send(http::verb::get, "/search"));
    }
    ASSERT_TRUE(waitFor([&] { return s.stats().inFlight == 3; }));
    const auto t0 = std::chrono::steady_clock::now();
    s.kill();
    for (auto& c : clients)
        EXPECT_FALSE(c->receive());
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 4s) << "kill waited for the 5 s service time";
    EXPECT_TRUE(waitFor([&] { return s.stats().inFlight == 0; }));

    // The slot came back: after a restore a request is served (with a short service time now).
    s.setServiceTimeMs(1);
    s.restore();
    auto res = fetch(s.endpoint(), http::verb::get, "/search");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->result(), http::status::ok);
}

TEST_F(BackendServerTest, PortInUseThrowsNamingTheAddress)
{
    auto& s1 = makeServer(quickSpec("s1"));
    s1.start();
    const auto port = s1.endpoint().port();
    auto& s2 = makeServer(quickSpec("s2"));
    try {
        s2.start(port);
        FAIL() << "start() on a port in use did not throw";
    } catch (const std::system_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << what;
        EXPECT_TRUE(e.code() == std::errc::address_in_use) << what;
    }
    EXPECT_FALSE(s2.alive());
    EXPECT_THROW(s1.start(), std::logic_error);
}

TEST_F(BackendServerTest, GarbageGets400AndTheServerKeepsServing)
{
    auto& s = makeServer(quickSpec("s1"));
    s.start();
    TestClient bad;
    ASSERT_FALSE(bad.connect(s.endpoint()));
    ASSERT_FALSE(bad.sendRaw("\x01\x02 NOT HTTP AT ALL \r\n\r\n more junk"));
    auto res = bad.receive();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->result(), http::status::bad_request);
    EXPECT_EQ((*res)["X-Backend"], "s1");
    EXPECT_FALSE(res->keep_alive());

    auto good = fetch(s.endpoint(), http::verb::get, "/search");
    ASSERT_TRUE(good);
    EXPECT_EQ(good->result(), http::status::ok);
}

TEST_F(BackendServerTest, OversizedHeaderOrBodyIsRejected)
{
    auto& s = makeServer(quickSpec("s1"));
    s.start();
    TestClient c;
    ASSERT_FALSE(c.connect(s.endpoint()));
    auto res = c.request(http::verb::get, "/search", {{"X-Big", std::string(20 * 1024, 'a')}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->result(), http::status::request_header_fields_too_large);
    EXPECT_FALSE(res->keep_alive());

    TestClient big;
    ASSERT_FALSE(big.connect(s.endpoint()));
    ASSERT_FALSE(big.sendRaw("POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"));
    res = big.receive();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->result(), http::status::payload_too_large);
    EXPECT_EQ(s.stats().requests, 0u);
}

TEST_F(BackendServerTest, RestoreOnAPortTakenMeanwhileThrows)
{
    auto& s = makeServer(quickSpec("s1"));
    s.start();
    const auto ep = s.endpoint();
    s.kill();
    asio::io_context other;
    tcp::acceptor squatter(other, ep); // someone else took the port while the backend was down
    try {
        s.restore();
        FAIL() << "restore() on a taken port did not throw";
    } catch (const std::system_error& e) {
        EXPECT_TRUE(e.code() == std::errc::address_in_use) << e.what();
        EXPECT_EQ(std::string(e.what()),
                  "cannot listen on 127.0.0.1:" + std::to_string(ep.port()) + ": " + e.code().message());
    }
    EXPECT_FALSE(s.alive());
    squatter.close();
    s.restore();
    EXPECT_TRUE(s.alive());
    EXPECT_TRUE(fetch(ep, http::verb::get, "/search"));
}

TEST_F(BackendServerTest, ForwardedForDistinctPeersAreCounted)
{
    auto& s = makeServer(quickSpec("s1"));
    s.start();
    TestClient c;
    ASSERT_FALSE(c.connect(s.endpoint()));
    for (const char* xff : {"10.1.0.1, 127.0.0.1", "10.1.0.2", "10.1.0.1", "10.1.0.3"})
        ASSERT_TRUE(c.request(http::verb::get, "/search", {{"X-Forwarded-For", xff}}));
    ASSERT_TRUE(c.request(http::verb::get, "/search"));
    EXPECT_EQ(s.stats().distinctPeers, 3u);
}

TEST_F(BackendServerTest, StopWithConnectionsOpenDoesNotHang)
{
    auto spec = quickSpec("s1");
    spec.capacity = 1;
    spec.queueLimit = 2;
    spec.serviceTimeMs = 10'000;
    auto& s = makeServer(spec);
    s.start();
    TestClient idle, busy, waiting;
    ASSERT_FALSE(idle.connect(s.endpoint()));
    ASSERT_FALSE(busy.connect(s.endpoint()));
    ASSERT_FALSE(waiting.connect(s.endpoint()));
    ASSERT_FALSE(busy.send(http::verb::get, "/search"));
    ASSERT_TRUE(waitFor([&] { return s.stats().inFlight == 1; }));
    ASSERT_FALSE(waiting.send(http::verb::get, "/search"));
    ASSERT_TRUE(waitFor([&] { return s.stats().inFlight == 2; }));

    const auto t0 = std::chrono::steady_clock::now();
    s.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s) << "stop waited for the 10 s service time";
    EXPECT_FALSE(s.alive());
    EXPECT_FALSE(busy.receive());
    EXPECT_FALSE(waiting.receive());
    EXPECT_FALSE(idle.receive());
    EXPECT_THROW(s.restore(), std::logic_error);
}

TEST_F(BackendServerTest, DestroyingWithOpenConnectionsIsClean)
{
    auto spec = quickSpec("s1");
    spec.serviceTimeMs = 10'000;
    auto server = std::make_unique<BackendServer>(m_io, spec, 1);
    server->start();
    TestClient c;
    ASSERT_FALSE(c.connect(server->endpoint()));
    ASSERT_FALSE(c.send(http::verb::get, "/search"));
    ASSERT_TRUE(waitFor([&] { return server->stats().inFlight == 1; }));
    const auto t0 = std::chrono::steady_clock::now();
    server.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s) << "destruction waited for the 10 s service time";
    EXPECT_FALSE(c.receive());
}

TEST_F(BackendServerTest, HealthBypassesAFullServer)
{
    auto spec = quickSpec("s1");
    spec.capacity = 1;
    spec.queueLimit = 0;
    spec.serviceTimeMs = 10'000;
    auto& s = makeServer(spec);
    s.start();
    TestClient busy;
    ASSERT_FALSE(busy.connect(s.endpoint()));
    ASSERT_FALSE(busy.send(http::verb::get, "/search"));
    ASSERT_TRUE(waitFor([&] { return s.stats().inFlight == 1; }));
    const auto t0 = std::chrono::steady_clock::now();
    auto health = fetch(s.endpoint(), http::verb::get, "/health");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->result(), http::status::ok);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s) << "/health waited for the 10 s request in service";
}

TEST_F(BackendServerTest, KillFromAHandlerOnTheSameIoContext)
{
    auto& s = makeServer(quickSpec("s1"));
    s.start();
    const auto ep = s.endpoint();
    asio::post(m_io, [&s] { s.kill(); }); // must not wait on itself
    ASSERT_TRUE(waitFor([&] { return !s.alive(); }));
    ASSERT_TRUE(waitFor([&] { TestClient c; return c.connect(ep) == asio::error::connection_refused; }));
    asio::post(m_io, [&s] { s.restore(); });
    ASSERT_TRUE(waitFor([&] { return s.alive(); }));
    EXPECT_TRUE(fetch(ep, http::verb::get, "/search"));
}

TEST_F(BackendServerTest, PipelinedRequestsAreAnsweredInOrder)
{
    auto& s = makeServer(quickSpec("s1"));
    s.start();
    TestClient c;
    ASSERT_FALSE(c.connect(s.endpoint()));
    const auto search = [](const std::string& loc) {
        return "GET /search?loc=" + loc + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    };
    // Three whole requests and the start of a fourth in one write: the bytes after each request wait
    // in the connection's buffer and are served in order, without waiting for the socket.
    const std::string fourth = search("four");
    ASSERT_FALSE(c.sendRaw(search("one") + "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nuser=a" +
                           search("three") + fourth.substr(0, 20)));
    for (const std::string loc : {"one", "login", "three"}) {
        auto res = c.receive();
        ASSERT_TRUE(res) << loc;
        EXPECT_EQ(res->result(), http::status::ok) << loc;
        if (loc == "login")
            EXPECT_EQ((*res)["X-Session"], "created");
        else
            EXPECT_NE(res->body().find("\"loc\":\"" + loc + "\""), std::string::npos) << res->body();
    }
    // The rest of the fourth arrives later: the part already read was kept for it.
    ASSERT_FALSE(c.sendRaw(fourth.substr(20)));
    auto res = c.receive();
    ASSERT_TRUE(res);
    EXPECT_NE(res->body().find("\"loc\":\"four\""), std::string::npos) << res->body();
    // And the connection, idle again, serves the next request.
    res = c.request(http::verb::get, "/search?loc=five");
    ASSERT_TRUE(res);
    EXPECT_NE(res->body().find("\"loc\":\"five\""), std::string::npos) << res->body();
    EXPECT_EQ(s.stats().requests, 5u);
}

TEST_F(BackendServerTest, AnIdleConnectionIsClosedAtItsIdleTimeout)
{
    auto& s = makeServer(quickSpec("s1"));
    BackendServer::Timeouts timeouts;
    timeouts.idle = 200ms;
    s.setTimeouts(timeouts);
    s.start();
    EXPECT_THROW(s.setTimeouts(timeouts), std::logic_error);

    // Idle after an answer: the server closes it (the client's own 5 s deadline would say timeout).
    TestClient used;
    ASSERT_FALSE(used.connect(s.endpoint()));
    ASSERT_TRUE(used.request(http::verb::get, "/search"));
    beast::error_code ec;
    EXPECT_FALSE(used.receive(&ec));
    EXPECT_EQ(ec, http::error::end_of_stream) << ec.message();

    // Never sent anything: closed the same way.
    TestClient silent;
    ASSERT_FALSE(silent.connect(s.endpoint()));
    EXPECT_FALSE(silent.receive(&ec));
    EXPECT_EQ(ec, http::error::end_of_stream) << ec.message();

    // Sent half a request and stopped: the idle deadline bounds reading the request too.
    TestClient half;
    ASSERT_FALSE(half.connect(s.endpoint()));
    ASSERT_FALSE(half.sendRaw("GET /search HTTP/1.1\r\nHo"));
    EXPECT_FALSE(half.receive(&ec));
    EXPECT_TRUE(ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset)
        << ec.message();
    EXPECT_EQ(s.stats().requests, 1u);
}

TEST_F(BackendServerTest, ABadClientThatKeepsSendingIsClosedAfterTheLinger)
{
    auto& s = makeServer(quickSpec("s1"));
    BackendServer::Timeouts timeouts;
    timeouts.linger = 200ms;
    s.setTimeouts(timeouts);
    s.start();
    TestClient bad;
    ASSERT_FALSE(bad.connect(s.endpoint()));
    ASSERT_FALSE(bad.sendRaw("\x01\x02 NOT HTTP\r\n\r\n"));
    auto res = bad.receive();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->result(), http::status::bad_request);
    // The server has shut its side and drains what the client still sends; at the linger deadline it
    // closes, and the client's writes start failing (without the deadline only 256 KB would end it).
    EXPECT_TRUE(waitFor([&] { return bad.sendRaw("more junk") != beast::error_code{}; }));
}

TEST(BackendServerThreadsTest, ManyClientsOnAMultiThreadedIoContext)
{
    asio::io_context io;
    auto guard = asio::make_work_guard(io);
    std::vector<std::thread> ioThreads;
    for (int i = 0; i < 2; ++i)
        ioThreads.emplace_back([&] { io.run(); });
    {
        auto spec = quickSpec("s1");
        spec.capacity = 2;
        spec.queueLimit = 64;
        BackendServer s(io, spec, 3);
        s.start();
        constexpr int users = 6;
        constexpr int rounds = 10;
        std::atomic<int> hits{0};
        std::vector<std::thread> clients;
        for (int u = 0; u < users; ++u) {
            clients.emplace_back([&, u] {
                TestClient c;
                if (c.connect(s.endpoint()))
                    return;
                auto login = c.request(http::verb::post, "/login", {{"X-Forwarded-For", "10.2.0." + std::to_string(u)}});
                if (!login)
                    return;
                const std::string id((*login)["X-Session-Id"]);
                for (int r = 0; r < rounds; ++r) {
                    auto res = c.request(http::verb::get, "/account", {{"Cookie", "SESSIONID=" + id}});
                    if (res && (*res)["X-Session"] == "hit")
                        ++hits;
                }
            });
        }
        for (auto& t : clients)
            t.join();
        const auto st = s.stats();
        EXPECT_EQ(hits.load(), users * rounds);
        EXPECT_EQ(st.sessionHits, static_cast<std::uint64_t>(users * rounds));
        EXPECT_EQ(st.requests, static_cast<std::uint64_t>(users * (rounds + 1)));
        EXPECT_EQ(st.sessions, users);
        EXPECT_EQ(st.distinctPeers, static_cast<std::uint64_t>(users));
        EXPECT_EQ(st.inFlight, 0);
    } // destroyed while both io threads run
    guard.reset();
    io.stop();
    for (auto& t : ioThreads)
        t.join();
}

TEST(BackendServerNoThreadTest, DestroyedAfterTheIoContextStopped)
{
    asio::io_context io;
    auto server = std::make_unique<BackendServer>(io, quickSpec("s1"), 1);
    server->start();
    std::thread t([&] {
        io.run_for(50ms);
        io.stop(); // as the lab does at shutdown, before it joins its threads
    });
    t.join();
    ASSERT_TRUE(io.stopped());
    const auto t0 = std::chrono::steady_clock::now();
    server.reset(); // no thread runs io: stop() runs inline
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s) << "stop() waited for an io_context nobody runs";
}

} // namespace
} // namespace lblab
