// A balancer thread's round (core/proxy/send_round.h): upstream requests queued during a round of
// the event loop leave together once a pass brings no new one; nothing queues on a thread that does
// not batch, nor a message too large; a message that cannot leave whole ends its connection.
#include "core/proxy/send_round.h"

#include "support/loopback_pair.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>

#include <sys/socket.h>

#include <atomic>
#include <string>
#include <thread>

using namespace lblab;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

class SendRoundTest : public ::testing::Test {
protected:
    void SetUp() override { test::connectLoopback(io, server, peer); }

    /// Reads exactly `size` bytes on the peer's side (blocking: the loop runs on its own thread).
    std::string readOnPeer(std::size_t size)
    {
        std::string got(size, '\0');
        asio::read(peer, asio::buffer(got));
        return got;
    }

    asio::io_context io;
    ProxySocket server{io};
    tcp::socket peer{io};
};

TEST_F(SendRoundTest, OutsideTheLoopNothingIsQueued)
{
    EXPECT_FALSE(SendRound::queue(server, "GET / HTTP/1.1\r\n\r\n", {}));
    EXPECT_EQ(SendRound::queued(), 0u);
}

TEST_F(SendRoundTest, QueuedSendsLeaveInOrderBeforeTheLoopWaits)
{
    // A coroutine queues three requests in one handler and waits for the answer: if the loop
    // blocked before it sent them, the peer would never answer and the test would time out.
    std::atomic<int> queuedInTheLoop{-1};
    std::string answer;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            const bool a = SendRound::queue(server, "one ", "1|");
            const bool b = SendRound::queue(server, "two ", "2|");
            const bool c = SendRound::queue(server, "three ", {});
            queuedInTheLoop = (a && b && c) ? static_cast<int>(SendRound::queued()) : 0;
            std::string buffer(4, '\0');
            co_await asio::async_read(server, asio::buffer(buffer), asio::use_awaitable);
            answer = buffer;
            io.stop();
        },
        asio::detached);
    std::thread loop([&] {
        const SendRound::Enable batching(io);
        io.run();
    });
    const std::string got = readOnPeer(18);
    asio::write(peer, asio::buffer(std::string_view("pong")));
    loop.join();
    EXPECT_EQ(queuedInTheLoop.load(), 3) << "inside the loop, every small message is queued";
    EXPECT_EQ(got, "one 1|two 2|three ");
    EXPECT_EQ(answer, "pong");
    EXPECT_EQ(SendRound::queued(), 0u) << "this thread queued nothing";
}

TEST_F(SendRoundTest, AReadyHandlerRunsBeforeTheQueuedBytesLeave)
{
    std::size_t onThePeerWhenTheNextHandlerRan = 99;
    auto work = asio::make_work_guard(io);
    asio::post(io, [&] { SendRound::queue(server, "request", {}); });
    asio::post(io, [&] { onThePeerWhenTheNextHandlerRan = peer.available(); });
    std::thread loop([&] {
        const SendRound::Enable batching(io);
        io.run();
    });
    const std::string got = readOnPeer(7); // the round ends, with nothing more to read: it leaves
    io.stop();
    loop.join();
    EXPECT_EQ(onThePeerWhenTheNextHandlerRan, 0u) << "the message left before a handler ready before it";
    EXPECT_EQ(got, "request");
}

TEST_F(SendRoundTest, AMessageTooLargeOrBeyondTheBoundIsLeftToTheCaller)
{
    std::atomic<bool> large{true}, beyond{true};
    std::atomic<std::size_t> queuedAtTheBound{0};
    auto work = asio::make_work_guard(io);
    asio::post(io, [&] {
        const std::string big(SendRound::kLargestQueued + 1, 'x');
        large = SendRound::queue(server, big, {});
        for (std::size_t i = 0; i < SendRound::kMostQueued; ++i)
            SendRound::queue(server, "x", {});
        queuedAtTheBound = SendRound::queued();
        beyond = SendRound::queue(server, "y", {});
    });
    std::thread loop([&] {
        const SendRound::Enable batching(io);
        io.run();
    });
    const std::string got = readOnPeer(SendRound::kMostQueued);
    io.stop();
    loop.join();
    EXPECT_FALSE(large);
    EXPECT_EQ(queuedAtTheBound.load(), SendRound::kMostQueued);
    EXPECT_FALSE(beyond);
    EXPECT_EQ(got, std::string(SendRound::kMostQueued, 'x'));
}

TEST_F(SendRoundTest, ASendWithdrawnBeforeItsRoundEndsNeverLeaves)
{
    // An exchange queued its request, then its read ended before the round did (the backend had
    // closed the pooled connection) and it retries: the socket object it queued for is gone, and
    // the next attempt may even sit at the same address. Only the retry's request may leave.
    auto work = asio::make_work_guard(io);
    asio::post(io, [&] {
        const SendRound::Withdraw unsent(server);
        SendRound::queue(server, "first attempt|", {});
    });
    asio::post(io, [&] {
        // The retry waits for its answer: its Withdraw outlives the round (none needed here).
        SendRound::queue(server, "retry|", {});
    });
    std::thread loop([&] {
        const SendRound::Enable batching(io);
        io.run();
    });
    const std::string got = readOnPeer(6);
    io.stop();
    loop.join();
    EXPECT_EQ(got, "retry|") << "the withdrawn first attempt left on the socket";
}

TEST_F(SendRoundTest, AnotherIoContextsSocketIsLeftToTheCaller)
{
    asio::io_context other;
    std::atomic<bool> queued{true};
    asio::post(io, [&] { queued = SendRound::queue(server, "x", {}); });
    std::thread loop([&] {
        const SendRound::Enable batching(other);
        io.run();
    });
    loop.join();
    EXPECT_FALSE(queued) << "this thread batches for another io_context";
}

TEST_F(SendRoundTest, AMessageThatCannotLeaveWholeEndsItsConnection)
{
    // The peer never reads and the send buffer is already full: the queued request cannot leave
    // whole, so the connection ends and the read waiting for its answer sees the end.
    const int small = 4096;
    ASSERT_EQ(::setsockopt(server.native_handle(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
    ASSERT_EQ(::setsockopt(peer.native_handle(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
    server.non_blocking(true);
    const std::string filler(65536, 'f');
    boost::system::error_code full;
    while (!full)
        server.write_some(asio::buffer(filler), full);
    ASSERT_EQ(full, asio::error::would_block);

    boost::system::error_code readError;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            EXPECT_TRUE(SendRound::queue(server, "GET / HTTP/1.1\r\n\r\n", {}));
            char byte = 0;
            auto [ec, n] = co_await server.async_read_some(asio::buffer(&byte, 1), asio::as_tuple(asio::use_awaitable));
            readError = ec;
            io.stop();
        },
        asio::detached);
    std::thread loop([&] {
        const SendRound::Enable batching(io);
        io.run();
    });
    loop.join();
    EXPECT_EQ(readError, asio::error::eof) << readError.message();
}

} // namespace
