// The shared session store's client against a real redis-server: replies of each kind, the server's
// errors, a killed and restored server, a stuck one, the bound on pending calls, and destruction
// with calls in flight (the suite runs under ASan/UBSan).

#include "core/engines/program_lookup.h"
#include "core/store/redis_client.h"
#include "core/store/redis_server.h"
#include "support/wait_for.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lblab {
namespace {

using namespace std::chrono_literals;
using Reply = RedisClient::Reply;
using Status = RedisClient::Reply::Status;

#define SKIP_WITHOUT_REDIS()                                                                           \
    if (!findProgram("redis-server"))                                                                  \
    GTEST_SKIP() << "redis-server is not installed (scripts/test.sh installs it)"

/// Runs `io` until `condition` holds or the test's patience runs out; true when it held.
bool runUntil(boost::asio::io_context& io, const std::function<bool()>& condition,
              std::chrono::milliseconds patience = test::kPatience)
{
    return test::waitFor(condition, patience, [&io](std::chrono::milliseconds slice) {
        io.restart();
        io.run_for(slice);
    });
}

/// Runs `io` for `window`, failing if `condition` (something that must not happen) becomes true.
bool runStaysFalse(boost::asio::io_context& io, const std::function<bool()>& condition, std::chrono::milliseconds window)
{
    return test::staysFalse(condition, window, [&io](std::chrono::milliseconds slice) {
        io.restart();
        io.run_for(slice);
    });
}

/// Sends one command and runs `io` until its reply; a Failed reply saying so when none came.
Reply call(boost::asio::io_context& io, RedisClient& client, std::vector<std::string> args)
{
    std::optional<Reply> reply;
    client.command(std::move(args), [&reply](Reply r) { reply = std::move(r); });
    if (!runUntil(io, [&] { return reply.has_value(); })) {
        Reply none;
        none.error = "no callback in time";
        return none;
    }
    return *reply;
}

/// Calls PING until it succeeds (each failure is a refused or failed attempt); true when it did.
bool pingUntilAnswered(boost::asio::io_context& io, RedisClient& client)
{
    return test::waitFor([&] { return call(io, client, {"PING"}).status == Status::Ok; });
}

TEST(RedisClientTest, SetThenGetRoundTripsAValue)
{
    SKIP_WITHOUT_REDIS();
    RedisServer redis;
    redis.start();
    boost::asio::io_context io;
    RedisClient client(io.get_executor(), redis.socketPath(), 2s);
    EXPECT_FALSE(client.connected()) << "it connects on the first command";

    const Reply set = call(io, client, {"SET", "session:alice", "user=alice", "EX", "1800"});
    ASSERT_EQ(set.status, Status::Ok) << set.error;
    EXPECT_EQ(set.text, "OK");
    EXPECT_GT(set.took.count(), 0);
    EXPECT_TRUE(client.connected());

    const Reply get = call(io, client, {"GET", "session:alice"});
    ASSERT_EQ(get.status, Status::Ok) << get.error;
    EXPECT_EQ(get.text, "user=alice");
    EXPECT_EQ(client.pending(), 0u);

    const std::string binary("a b\r\n\0c", 7); // argv form: no quoting, binary safe
    ASSERT_EQ(call(io, client, {"SET", "raw", binary}).status, Status::Ok);
    EXPECT_EQ(call(io, client, {"GET", "raw"}).text, binary);
}

TEST(RedisClientTest, AMissingKeyIsNil)
{
    SKIP_WITHOUT_REDIS();
    RedisServer redis;
    redis.start();
    boost::asio::io_context io;
    RedisClient client(io.get_executor(), redis.socketPath(), 2s);
    const Reply get = call(io, client, {"GET", "session:nobody"});
    EXPECT_EQ(get.status, Status::Nil) << get.error;
    EXPECT_TRUE(get.text.empty());
    EXPECT_TRUE(get.error.empty());
}

TEST(RedisClientTest, GetexReadsTheValueAndRenewsItsLifetime)
{
    SKIP_WITHOUT_REDIS();
    RedisServer redis;
    redis.start();
    boost::asio::io_context io;
    RedisClient client(io.get_executor(), redis.socketPath(), 2s);
    ASSERT_EQ(call(io, client, {"SET", "session:s1", "bob", "EX", "5"}).status, Status::Ok);
    const Reply getex = call(io, client, {"GETEX", "session:s1", "EX", "60"});
    ASSERT_EQ(getex.status, Status::Ok) << getex.error;
    EXPECT_EQ(getex.text, "bob");
    const Reply ttl = call(io, client, {"TTL", "session:s1"});
    ASSERT_EQ(ttl.status, Status::Ok) << ttl.error;
    EXPECT_GT(ttl.integer, 5);
    EXPECT_LE(ttl.integer, 60);
    EXPECT_EQ(call(io, client, {"GETEX", "session:none", "EX", "60"}).status, Status::Nil);
}

TEST(RedisClientTest, IntegerAndArrayRepliesCarryTheirValues)
{
    SKIP_WITHOUT_REDIS();
    RedisServer redis;
    redis.start();
    boost::asio::io_context io;
    RedisClient client(io.get_executor(), redis.socketPath(), 2s);
    EXPECT_EQ(call(io, client, {"DBSIZE"}).integer, 0);
    ASSERT_EQ(call(io, client, {"SET", "a", "1"}).status, Status::Ok);
    ASSERT_EQ(call(io, client, {"SET", "b", "2"}).status, Status::Ok);
    const Reply size = call(io, client, {"DBSIZE"});
    ASSERT_EQ(size.status, Status::Ok) << size.error;
    EXPECT_EQ(size.integer, 2);
    const Reply many = call(io, client, {"MGET", "a", "missing", "b"});
    ASSERT_EQ(many.status, Status::Ok) << many.error;
    EXPECT_EQ(many.integer, 3);
    EXPECT_EQ(many.elements, (std::vector<std::string>{"1", "", "2"}));
}

TEST(RedisClientTest, AWrongCommandFailsWithTheServersErrorAndTheConnectionStays)
{
    SKIP_WITHOUT_REDIS();
    RedisServer redis;
    redis.start();
    boost::asio::io_context io;
    RedisClient client(io.get_executor(), redis.socketPath(), 2s);
    const Reply unknown = call(io, client, {"NOSUCHCOMMAND", "x"});
    ASSERT_EQ(unknown.status, Status::Failed);
    EXPECT_NE(unknown.error.find("unknown command"), std::string::npos) << unknown.error;
    EXPECT_EQ(unknown.error.find('\n'), std::string::npos) << "one line";

    ASSERT_EQ(call(io, client, {"LPUSH", "list", "x"}).status, Status::Ok);
    const Reply wrongType = call(io, client, {"GET", "list"});
    ASSERT_EQ(wrongType.status, Status::Failed);
    EXPECT_EQ(wrongType.error.rfind("WRONGTYPE", 0), 0u) << wrongType.error;

    EXPECT_TRUE(client.connected()) << "an error reply is an answer, not a broken connection";
    EXPECT_EQ(call(io, client, {"PING"}).text, "PONG");
}

TEST(RedisClientTest, CommandsWhoseRepliesDoNotPairWithCallsAreRefused)
{
    SKIP_WITHOUT_REDIS();
    RedisServer redis;
    redis.start();
    boost::asio::io_context io;
    RedisClient client(io.get_executor(), redis.socketPath(), 2s);
    for (const char* name : {"SUBSCRIBE", "psubscribe", "Monitor", "SSUBSCRIBE"}) {
        const Reply refused = call(io, client, {name, "channel"});
        EXPECT_EQ(refused.status, Status::Failed) << name;
        EXPECT_EQ(refused.error.rfind("unsupported command", 0), 0u) << refused.error;
    }
    EXPECT_EQ(call(io, client, {}).status, Status::Failed);
    EXPECT_EQ(call(io, client, {"PING"}).text, "PONG");
}

TEST(RedisClientTest, ASocketWithNoServerFailsAtOnceSayingNotConnected)
{
    boost::asio::io_context io;
    RedisClient client(io.get_executor(), "/nonexistent-lblab/redis.sock", 2s);
    const Reply first = call(io, client, {"PING"});
    ASSERT_EQ(first.status, Status::Failed);
    EXPECT_EQ(first.error.rfind("not connected: ", 0), 0u) << first.error;
    EXPECT_NE(first.error.find("No such file"), std::string::npos) << first.error;
    const Reply second = call(io, client, {"PING"});
    EXPECT_EQ(second.error.rfind("not connected: ", 0), 0u) << second.error;
    EXPECT_FALSE(client.connected());
    EXPECT_EQ(client.pending(), 0u);
}

TEST(RedisClientTest, AKilledServerFailsCallsAndARestoredOneIsReachedAgain)
{
    SKIP_WITHOUT_REDIS();
    RedisServer redis;
    redis.start();
    boost::asio::io_context io;
    RedisClient client(io.get_executor(), redis.socketPath(), 2s);
    RedisClient pauser(io.get_executor(), redis.socketPath(), 2s);
    ASSERT_EQ(call(io, client, {"SET", "session:alice", "alice"}).status, Status::Ok);

    // One call the server has read but not answered (it is paused), then the kill.
    ASSERT_EQ(call(io, pauser, {"CLIENT", "PAUSE", "10000"}).status, Status::Ok);
    std::optional<Reply> inFlight;
    client.command({"GET", "session:alice"}, [&](Reply r) { inFlight = std::move(r); });
    ASSERT_TRUE(runStaysFalse(io, [&] { return inFlight.has_value(); }, 50ms)) << inFlight->error;
    ASSERT_EQ(client.pending(), 1u);
    redis.kill();
    // A call the client sends without having noticed: hiredis writes it to a dead socket (SIGPIPE).
    std::optional<Reply> afterKill;
    client.command({"GET", "session:alice"}, [&](Reply r) { afterKill = std::move(r); });
    ASSERT_TRUE(runUntil(io, [&] { return inFlight && afterKill; }));
    EXPECT_EQ(inFlight->status, Status::Failed);
    EXPECT_EQ(inFlight->error.rfind("connection lost: ", 0), 0u) << inFlight->error;
    EXPECT_EQ(afterKill->status, Status::Failed);
    EXPECT_EQ(afterKill->error.rfind("connection lost: ", 0), 0u) << afterKill->error;
    EXPECT_FALSE(client.connected());
    EXPECT_EQ(client.pending(), 0u);

    const Reply down = call(io, client, {"PING"});
    EXPECT_EQ(down.status, Status::Failed);
    EXPECT_EQ(down.error.rfind("not connected: ", 0), 0u) << down.error;

    redis.restore();
    ASSERT_TRUE(pingUntilAnswered(io, client)) << "reconnects by itself once an attempt is due";
    EXPECT_TRUE(client.connected());
    EXPECT_EQ(call(io, client, {"GET", "session:alice"}).status, Status::Nil) << "a restored server starts empty";
}

TEST(RedisClientTest, AStuckServerTimesOutTheCallAndTheNextCallReconnects)
{
    SKIP_WITHOUT_REDIS();
    RedisServer redis;
    redis.start();
    boost::asio::io_context io;
    RedisClient client(io.get_executor(), redis.socketPath(), 50ms);
    RedisClient pauser(io.get_executor(), redis.socketPath(), 2s);
    ASSERT_TRUE(pingUntilAnswered(io, client));
    // The image's configuration leaves DEBUG SLEEP disabled; CLIENT PAUSE stalls every other client.
    ASSERT_EQ(call(io, pauser, {"CLIENT", "PAUSE", "1000"}).status, Status::Ok);

    std::optional<Reply> first;
    std::optional<Reply> second;
    client.command({"GET", "a"}, [&](Reply r) { first = std::move(r); });
    client.command({"GET", "b"}, [&](Reply r) { second = std::move(r); });
    EXPECT_EQ(client.pending(), 2u);
    ASSERT_TRUE(runUntil(io, [&] { return first && second; }));
    EXPECT_EQ(first->status, Status::Failed);
    EXPECT_EQ(first->error, "timed out after 50 ms");
    EXPECT_GE(first->took, 50ms);
    EXPECT_EQ(second->status, Status::Failed);
    EXPECT_FALSE(second->error.empty());
    EXPECT_FALSE(client.connected()) << "a stuck server's connection is dropped";
    EXPECT_EQ(client.pending(), 0u);

    ASSERT_TRUE(pingUntilAnswered(io, client)) << "once the pause ends a new connection answers";
}

TEST(RedisClientTest, ACallbackMayIssueTheNextCommand)
{
    SKIP_WITHOUT_REDIS();
    RedisServer redis;
    redis.start();
    boost::asio::io_context io;
    RedisClient client(io.get_executor(), redis.socketPath(), 2s);
    int answered = 0;
    long long last = 0;
    std::function<void(Reply)> next = [&](Reply reply) {
        ASSERT_EQ(reply.status, Status::Ok) << reply.error;
        last = reply.integer;
        if (++answered < 50)
            client.command({"INCR", "counter"}, next);
    };
    client.command({"INCR", "counter"}, next);
    ASSERT_TRUE(runUntil(io, [&] { return answered == 50; }));
    EXPECT_EQ(last, 50);

    // A failing call's callback may retry too: it runs from a fresh handler, never inside command().
    RedisClient nowhere(io.get_executor(), "/nonexistent-lblab/redis.sock", 2s);
    int failures = 0;
    std::function<void(Reply)> retry = [&](Reply reply) {
        EXPECT_EQ(reply.status, Status::Failed);
        if (++failures < 1000)
            nowhere.command({"PING"}, retry);
    };
    nowhere.command({"PING"}, retry);
    ASSERT_TRUE(runUntil(io, [&] { return failures == 1000; }));
}

TEST(RedisClientTest, PendingCallsAreBounded)
{
    SKIP_WITHOUT_REDIS();
    RedisServer redis;
    redis.start();
    boost::asio::io_context io;
    RedisClient client(io.get_executor(), redis.socketPath(), 20s);
    std::size_t ok = 0;
    std::size_t callbacks = 0;
    for (std::size_t i = 0; i < RedisClient::kMaxPending; ++i)
        client.command({"INCR", "counter"}, [&](Reply r) {
            ++callbacks;
            ok += r.status == Status::Ok;
        });
    EXPECT_EQ(client.pending(), RedisClient::kMaxPending);
    std::optional<Reply> beyond;
    client.command({"INCR", "counter"}, [&](Reply r) { beyond = std::move(r); });
    ASSERT_TRUE(runUntil(io, [&] { return beyond && callbacks == RedisClient::kMaxPending; }));
    EXPECT_EQ(beyond->status, Status::Failed);
    EXPECT_EQ(beyond->error, "too many pending calls");
    EXPECT_EQ(ok, RedisClient::kMaxPending);
    EXPECT_EQ(call(io, client, {"GET", "counter"}).text, std::to_string(RedisClient::kMaxPending));
}

TEST(RedisClientTest, CloseFailsPendingCallsAndTheNextCallConnectsAgain)
{
    SKIP_WITHOUT_REDIS();
    RedisServer redis;
    redis.start();
    boost::asio::io_context io;
    RedisClient client(io.get_executor(), redis.socketPath(), 2s);
    ASSERT_TRUE(pingUntilAnswered(io, client));
    std::vector<Reply> replies;
    for (int i = 0; i < 3; ++i)
        client.command({"PING"}, [&](Reply r) { replies.push_back(std::move(r)); });
    client.close();
    EXPECT_FALSE(client.connected());
    EXPECT_EQ(client.pending(), 0u);
    EXPECT_TRUE(replies.empty()) << "callbacks never run inside close()";
    ASSERT_TRUE(runUntil(io, [&] { return replies.size() == 3; }));
    for (const Reply& r : replies)
        EXPECT_EQ(r.error, "closed");
    EXPECT_EQ(call(io, client, {"PING"}).text, "PONG");
}

TEST(RedisClientTest, DestroyingTheClientWithCallsInFlightRunsNoCallbackOfThem)
{
    SKIP_WITHOUT_REDIS();
    RedisServer redis;
    redis.start();
    boost::asio::io_context io;
    RedisClient pauser(io.get_executor(), redis.socketPath(), 2s);
    int called = 0;
    {
        // Sent but never written: destroyed before the executor ran.
        RedisClient client(io.get_executor(), redis.socketPath(), 2s);
        client.command({"PING"}, [&](Reply) { ++called; });
    }
    auto client = std::make_unique<RedisClient>(io.get_executor(), redis.socketPath(), 5s);
    ASSERT_TRUE(pingUntilAnswered(io, *client));
    ASSERT_EQ(call(io, pauser, {"CLIENT", "PAUSE", "10000"}).status, Status::Ok);
    for (int i = 0; i < 10; ++i)
        client->command({"GET", "k"}, [&](Reply) { ++called; });
    ASSERT_TRUE(runStaysFalse(io, [&] { return called > 0; }, 50ms)); // written, awaiting the server
    ASSERT_EQ(client->pending(), 10u);
    // A call already failed (its callback posted) still gets its callback after the destruction.
    std::optional<Reply> refused;
    client->command({"SUBSCRIBE", "c"}, [&](Reply r) { refused = std::move(r); });
    client.reset();
    EXPECT_TRUE(runStaysFalse(io, [&] { return called > 0; }, 100ms));
    EXPECT_TRUE(refused.has_value());
}

} // namespace
} // namespace lblab
