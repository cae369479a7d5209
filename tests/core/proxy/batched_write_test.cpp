// The balancer's write (core/proxy/batched_write.h): a message leaves after the handlers that were
// ready when it was written (the reads of one poll round, then their writes); the rest of a
// message the socket cannot take yet follows like async_write, with the same result.
#include "core/proxy/batched_write.h"

#include "support/loopback_pair.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <sys/socket.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace lblab;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

using WriteResult = test::IoResult;

class BatchedWriteTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        test::connectLoopback(io, server, peer);
    }

    /// Starts writeBatched(head, body) in a coroutine; its result lands in `result`.
    void start(std::string_view head, std::string_view body)
    {
        result.reset();
        asio::co_spawn(
            io,
            [this, head, body]() -> asio::awaitable<void> {
                auto [ec, n] = co_await writeBatched(server, head, body);
                result = WriteResult{ec, n};
            },
            asio::detached);
    }

    /// Runs the loop until the write completes (or 10 s pass: a failure, not a wait).
    bool runUntilDone()
    {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!result && std::chrono::steady_clock::now() < deadline) {
            io.restart();
            io.run_one_for(std::chrono::milliseconds(50));
        }
        return result.has_value();
    }

    /// Reads exactly `size` bytes on the peer's side (blocking; the peer's socket is a plain one).
    std::string readOnPeer(std::size_t size)
    {
        std::string got(size, '\0');
        asio::read(peer, asio::buffer(got));
        return got;
    }

    /// Small kernel buffers on both sides, so a message of a few hundred KB cannot leave at once.
    void shrinkBuffers()
    {
        const int small = 4096;
        ASSERT_EQ(::setsockopt(server.native_handle(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
        ASSERT_EQ(::setsockopt(peer.native_handle(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
    }

    asio::io_context io;
    ProxySocket server{io};
    tcp::socket peer{io};
    std::optional<WriteResult> result;
};

TEST_F(BatchedWriteTest, HandlersReadyBeforeTheWriteRunBeforeTheBytesLeave)
{
    start("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", "ok\n");
    std::size_t queuedWhenTheOtherHandlerRan = 99;
    bool otherHandlerRan = false;
    asio::post(io, [&] {
        otherHandlerRan = true;
        queuedWhenTheOtherHandlerRan = peer.available();
    });
    io.run_one(); // the coroutine starts and writes: the message waits for the ready handler
    EXPECT_FALSE(result);
    EXPECT_FALSE(otherHandlerRan);
    ASSERT_TRUE(runUntilDone());
    EXPECT_TRUE(otherHandlerRan);
    EXPECT_EQ(queuedWhenTheOtherHandlerRan, 0u) << "the message left before a handler that was ready first";
    EXPECT_FALSE(result->ec);
    EXPECT_EQ(result->n, 41u);
    EXPECT_EQ(readOnPeer(41), "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n");
}

TEST_F(BatchedWriteTest, WritesOfOneRoundLeaveInTheOrderTheyWereMade)
{
    std::vector<std::string> order;
    for (const char* text : {"one", "two", "three"})
        asio::co_spawn(
            io,
            [this, text, &order]() -> asio::awaitable<void> {
                auto [ec, n] = co_await writeBatched(server, text, "|");
                if (!ec)
                    order.emplace_back(text);
            },
            asio::detached);
    io.run();
    EXPECT_EQ(order, (std::vector<std::string>{"one", "two", "three"}));
    EXPECT_EQ(readOnPeer(14), "one|two|three|");
}

TEST_F(BatchedWriteTest, AnEmptyBodySendsTheHeadAlone)
{
    start("GET / HTTP/1.1\r\n\r\n", {});
    ASSERT_TRUE(runUntilDone());
    EXPECT_FALSE(result->ec);
    EXPECT_EQ(result->n, 18u);
    EXPECT_EQ(readOnPeer(18), "GET / HTTP/1.1\r\n\r\n");
}

TEST_F(BatchedWriteTest, WhatTheSocketCannotTakeYetFollowsWhenItDrains)
{
    shrinkBuffers();
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 400000\r\n\r\n";
    std::string body(400000, '\0');
    for (std::size_t i = 0; i < body.size(); ++i)
        body[i] = static_cast<char>('a' + i % 26);
    start(head, body);
    io.restart();
    io.poll();
    ASSERT_FALSE(result) << "400 KB cannot fit a 4 KB send buffer; the write must wait for the peer";

    // The peer reads everything while the loop runs the rest of the write.
    std::string received;
    std::thread reader([&] { received = readOnPeer(head.size() + body.size()); });
    const bool done = runUntilDone();
    reader.join();
    ASSERT_TRUE(done);
    EXPECT_FALSE(result->ec);
    EXPECT_EQ(result->n, head.size() + body.size());
    EXPECT_TRUE(received == head + body) << "bytes lost, doubled or out of order";
}

TEST_F(BatchedWriteTest, CancellingTheRestEndsTheWriteWithWhatWasSent)
{
    // A watchdog cancels the socket when the peer stops reading: the write ends, aborted.
    shrinkBuffers();
    const std::string body(400000, 'x');
    start("head", body);
    io.restart();
    io.poll();
    ASSERT_FALSE(result);
    server.cancel();
    ASSERT_TRUE(runUntilDone());
    EXPECT_EQ(result->ec, asio::error::operation_aborted);
    EXPECT_GT(result->n, 0u);
    EXPECT_LT(result->n, body.size() + 4);
}

TEST_F(BatchedWriteTest, APeerThatResetIsAnErrorNotASignal)
{
    // A reset peer: the send fails (EPIPE or ECONNRESET) instead of raising SIGPIPE.
    const ::linger abort{1, 0};
    ASSERT_EQ(::setsockopt(peer.native_handle(), SOL_SOCKET, SO_LINGER, &abort, sizeof abort), 0);
    peer.close();
    std::optional<WriteResult> last;
    // The reset reaches the server's socket a moment later on loopback; write until it shows.
    for (int attempt = 0; attempt < 100 && !(last && last->ec); ++attempt) {
        start("abc", {});
        ASSERT_TRUE(runUntilDone());
        last = result;
    }
    ASSERT_TRUE(last && last->ec) << "a write to a reset connection kept succeeding";
    EXPECT_TRUE(last->ec == asio::error::broken_pipe || last->ec == asio::error::connection_reset) << last->ec.message();
}

TEST(SendNow, ReportsAPartialSendAsUnfinished)
{
    asio::io_context io;
    tcp::socket peer(io), server(io);
    test::connectLoopback(io, server, peer);
    const int small = 4096;
    ASSERT_EQ(::setsockopt(server.native_handle(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
    ASSERT_EQ(::setsockopt(peer.native_handle(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
    const std::string body(400000, 'y');
    boost::system::error_code ec;
    std::size_t n = 0;
    EXPECT_FALSE(sendNow(server.native_handle(), "head", body, ec, n));
    EXPECT_FALSE(ec);
    EXPECT_GT(n, 0u);
    EXPECT_LT(n, body.size());
    // Tries go on taking less than asked (the peer never reads) until the socket is full; then a
    // try takes nothing and says so, without blocking.
    std::size_t more = 1;
    for (int attempt = 0; attempt < 1000 && more > 0; ++attempt) {
        EXPECT_FALSE(sendNow(server.native_handle(), {}, body, ec, more));
        EXPECT_FALSE(ec);
        EXPECT_LT(more, body.size());
    }
    EXPECT_EQ(more, 0u);
}

} // namespace
