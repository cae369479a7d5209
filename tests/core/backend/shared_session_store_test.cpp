// Sessions in a shared Redis: two real backends, one real redis-server. A session made on one server
// is found on the other; when the store dies every server fails its users at once; it comes back empty.

#include "core/backend/backend_server.h"
#include "core/engines/program_lookup.h"
#include "core/store/redis_server.h"
#include "core/store/store_meter.h"
#include "support/test_http_client.h"
#include "support/wait_for.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <thread>

namespace lblab {
namespace {

namespace http = boost::beast::http;

class SharedSessionStoreTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        if (!findProgram("redis-server"))
            GTEST_SKIP() << "redis-server is not installed (scripts/test.sh installs it)";
        redis.start();
        SessionStoreLink link;
        link.kind = SessionStoreKind::Shared;
        link.redisSocket = redis.socketPath();
        link.meter = meter;
        link.deadline = std::chrono::milliseconds(2000); // generous: a sanitizer build on a busy machine
        for (const char* name : {"s1", "s2"}) {
            BackendSpec spec;
            spec.name = name;
            spec.serviceTimeMs = 0;
            servers.push_back(std::make_unique<BackendServer>(io, spec, 7, link));
            servers.back()->start(0);
        }
        thread = std::thread([this] { io.run(); });
    }

    void TearDown() override
    {
        for (auto& s : servers)
            s->stop();
        guard.reset();
        io.stop();
        if (thread.joinable())
            thread.join();
    }

    /// Logs in on `server` through `client` (its jar keeps the cookie).
    void login(test::TestHttpClient& client)
    {
        const auto a = client.request(http::verb::post, "/login");
        ASSERT_TRUE(a);
        ASSERT_EQ(a->status, 200u) << a->body;
        ASSERT_EQ(a->session, "created");
    }

    RedisServer redis;
    std::shared_ptr<StoreMeter> meter = std::make_shared<StoreMeter>();
    boost::asio::io_context io;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
    std::vector<std::unique_ptr<BackendServer>> servers;
    std::thread thread;
};

TEST_F(SharedSessionStoreTest, ASessionMadeOnOneServerIsFoundOnTheOther)
{
    test::TestHttpClient onS1(servers[0]->endpoint());
    login(onS1);
    test::TestHttpClient onS2(servers[1]->endpoint());
    // The same cookie, on the other server: copy the jar by asking s1 for the session id first.
    const auto viaS1 = onS1.get("/account");
    ASSERT_TRUE(viaS1);
    EXPECT_EQ(viaS1->status, 200u);
    const std::string id = nlohmann::json::parse(viaS1->body)["session"];
    const auto viaS2 = onS2.get("/account", {{"Cookie", "SESSIONID=" + id}});
    ASSERT_TRUE(viaS2);
    EXPECT_EQ(viaS2->status, 200u) << viaS2->body;
    EXPECT_EQ(viaS2->session, "hit");
    EXPECT_EQ(viaS2->backend, "s2");
    EXPECT_EQ(servers[0]->stats().sessions, 0) << "the server itself holds nothing";
    EXPECT_EQ(servers[1]->stats().sessionHits, 1u);

    const StoreFigures f = meter->figures();
    EXPECT_EQ(f.ops, 3u) << "one SET, two GETEX";
    EXPECT_EQ(f.errors, 0u);
    EXPECT_GT(f.p99Us, 0u);
    EXPECT_LE(f.p50Us, f.p99Us);
}

TEST_F(SharedSessionStoreTest, AnUnknownSessionIsAMiss)
{
    test::TestHttpClient client(servers[1]->endpoint());
    const auto a = client.get("/account", {{"Cookie", "SESSIONID=s9-0000000000000000"}});
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, 401u);
    EXPECT_EQ(a->session, "miss");
}

TEST_F(SharedSessionStoreTest, WhenTheStoreDiesEveryServerFailsItsUsersAndItComesBackEmpty)
{
    test::TestHttpClient onS1(servers[0]->endpoint());
    login(onS1);
    const std::string id = nlohmann::json::parse(onS1.get("/account")->body)["session"];
    redis.kill();
    for (auto& server : servers) {
        test::TestHttpClient client(server->endpoint());
        const auto a = client.get("/account", {{"Cookie", "SESSIONID=" + id}});
        ASSERT_TRUE(a);
        EXPECT_EQ(a->status, 503u) << server->spec().name;
        EXPECT_EQ(a->session, "unavailable");
        EXPECT_NE(a->body.find("session store unavailable"), std::string::npos) << a->body;
    }
    EXPECT_GE(meter->figures().errors, 2u);
    EXPECT_EQ(servers[0]->stats().sessionMisses, 1u);
    EXPECT_EQ(servers[1]->stats().sessionMisses, 1u);

    redis.restore();
    // The servers reconnect by themselves; the session is gone with the old store's memory.
    test::TestHttpClient client(servers[1]->endpoint());
    std::optional<test::HttpAnswer> answer;
    EXPECT_TRUE(test::waitFor([&] {
        answer = client.get("/account", {{"Cookie", "SESSIONID=" + id}});
        return answer && answer->status != 503;
    }));
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 401u);
    EXPECT_EQ(answer->session, "miss");
}

TEST_F(SharedSessionStoreTest, AKilledServerLeavesItsUsersSessionsInTheStore)
{
    test::TestHttpClient onS1(servers[0]->endpoint());
    login(onS1);
    const std::string id = nlohmann::json::parse(onS1.get("/account")->body)["session"];
    servers[0]->kill();
    servers[0]->restore();
    test::TestHttpClient again(servers[0]->endpoint());
    std::optional<test::HttpAnswer> answer;
    EXPECT_TRUE(test::waitFor([&] {
        answer = again.get("/account", {{"Cookie", "SESSIONID=" + id}});
        return answer.has_value() && answer->status != 503;
    }));
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 200u) << "restarting a server loses nothing: the session is in Redis";
}

} // namespace
} // namespace lblab
