// The balancer's read (core/proxy/draining_read.h): a short read marks the socket drained, so the
// next read waits for the poller instead of trying a recv first.
//
// What makes "no recv first" visible without counting system calls: SO_RCVLOWAT. Bytes below the
// low-water mark raise no epoll event, but a recv returns them. So a read that tries at once
// completes with them, and a read that waits for the poller does not, until enough bytes arrive.
#include "core/proxy/draining_read.h"

#include "support/loopback_pair.h"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <sys/socket.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

using namespace lblab;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

using ReadResult = test::IoResult;

class DrainingReadTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        test::connectLoopback(io, server, peer);
    }

    /// Starts a read of up to `size` bytes into `buffer`; the result lands in `result`.
    template <typename Read>
    void start(Read read, std::size_t size)
    {
        result.reset();
        buffer.assign(size, '\0');
        read(asio::buffer(buffer), [this](boost::system::error_code ec, std::size_t n) { result = ReadResult{ec, n}; });
    }

    void startDraining(std::size_t size)
    {
        start([this](asio::mutable_buffer b, auto h) { asyncReadDraining(server, b, std::move(h)); }, size);
    }

    /// Runs the loop until the read completes (or 5 s pass: a failure, not a wait).
    bool runUntilDone()
    {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (!result && std::chrono::steady_clock::now() < deadline) {
            io.restart();
            io.run_one_for(std::chrono::milliseconds(50));
        }
        return result.has_value();
    }

    /// The peer's bytes are in the server's receive queue (loopback may deliver them a moment later).
    void waitUntilQueued(std::size_t bytes)
    {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (server.available() < bytes && std::chrono::steady_clock::now() < deadline)
            std::this_thread::yield();
        ASSERT_EQ(server.available(), bytes);
    }

    void setLowWaterMark(int bytes)
    {
        ASSERT_EQ(::setsockopt(server.native_handle(), SOL_SOCKET, SO_RCVLOWAT, &bytes, sizeof bytes), 0);
    }

    void startAsio(std::size_t size)
    {
        start([this](asio::mutable_buffer b, auto h) { server.async_read_some(b, std::move(h)); }, size);
    }

    /// A first read that completes from the poller with fewer bytes than asked for: the socket is
    /// drained (the draining read knows it; Asio's own read does not).
    void drainOnce(bool draining = true)
    {
        if (draining)
            startDraining(64);
        else
            startAsio(64);
        io.restart();
        io.poll(); // the read is queued (nothing to read yet)
        ASSERT_FALSE(result);
        asio::write(peer, asio::buffer(std::string_view("abc")));
        ASSERT_TRUE(runUntilDone());
        ASSERT_FALSE(result->ec);
        ASSERT_EQ(std::string(buffer.data(), result->n), "abc");
    }

    asio::io_context io;
    ProxySocket server{io};
    tcp::socket peer{io};
    std::string buffer;
    std::optional<ReadResult> result;
};

TEST_F(DrainingReadTest, ReadsWhatThePeerSent)
{
    asio::write(peer, asio::buffer(std::string_view("GET / HTTP/1.1\r\n\r\n")));
    startDraining(4096);
    ASSERT_TRUE(runUntilDone());
    ASSERT_FALSE(result->ec);
    EXPECT_EQ(std::string(buffer.data(), result->n), "GET / HTTP/1.1\r\n\r\n");
}

TEST_F(DrainingReadTest, AfterAShortReadTheNextReadWaitsForThePoller)
{
    drainOnce();
    setLowWaterMark(100);
    asio::write(peer, asio::buffer(std::string_view("def")));
    waitUntilQueued(3);
    startDraining(4096);
    io.restart();
    io.poll();
    // The three bytes raise no event below the low-water mark, and the read did not try for them.
    EXPECT_FALSE(result) << "the read made a recv although the socket was drained";
    // Bytes that reach the mark raise the edge the read waits for: nothing is lost.
    asio::write(peer, asio::buffer(std::string(100, 'x')));
    ASSERT_TRUE(runUntilDone());
    ASSERT_FALSE(result->ec);
    EXPECT_EQ(std::string(buffer.data(), result->n), "def" + std::string(100, 'x'));
}

TEST_F(DrainingReadTest, AsioReadTriesAtOnceAfterAShortRead)
{
    // The behaviour the draining read removes: Asio's own read after the same short read makes a
    // recv first, and so finds the bytes below the low-water mark.
    drainOnce(false);
    setLowWaterMark(100);
    asio::write(peer, asio::buffer(std::string_view("def")));
    waitUntilQueued(3);
    startAsio(4096);
    io.restart();
    io.poll();
    ASSERT_TRUE(result);
    EXPECT_EQ(std::string(buffer.data(), result->n), "def");
}

TEST_F(DrainingReadTest, AReadThatFillsTheBufferLeavesTheRestToTheNextReadAtOnce)
{
    drainOnce();
    asio::write(peer, asio::buffer(std::string_view("0123456789")));
    startDraining(4);
    ASSERT_TRUE(runUntilDone());
    EXPECT_EQ(std::string(buffer.data(), result->n), "0123");
    // A full buffer says nothing about what is left: the next read tries at once, no event needed.
    setLowWaterMark(100);
    startDraining(64);
    io.restart();
    io.poll();
    ASSERT_TRUE(result);
    EXPECT_EQ(std::string(buffer.data(), result->n), "456789");
}

TEST_F(DrainingReadTest, EndOfStreamIsEof)
{
    drainOnce();
    peer.shutdown(tcp::socket::shutdown_send);
    startDraining(64);
    ASSERT_TRUE(runUntilDone());
    EXPECT_EQ(result->ec, asio::error::eof);
    EXPECT_EQ(result->n, 0u);
}

TEST_F(DrainingReadTest, CancelAndCloseAbortAWaitingRead)
{
    drainOnce();
    startDraining(64);
    io.restart();
    io.poll();
    ASSERT_FALSE(result);
    server.cancel();
    ASSERT_TRUE(runUntilDone());
    EXPECT_EQ(result->ec, asio::error::operation_aborted);

    startDraining(64);
    io.restart();
    io.poll();
    ASSERT_FALSE(result);
    server.close();
    ASSERT_TRUE(runUntilDone());
    EXPECT_EQ(result->ec, asio::error::operation_aborted);
}

TEST_F(DrainingReadTest, ACancellationSignalAbortsAWaitingRead)
{
    drainOnce();
    asio::cancellation_signal signal;
    start(
        [&](asio::mutable_buffer b, auto h) {
            asyncReadDraining(server, b, asio::bind_cancellation_slot(signal.slot(), std::move(h)));
        },
        64);
    io.restart();
    io.poll();
    ASSERT_FALSE(result);
    signal.emit(asio::cancellation_type::terminal);
    ASSERT_TRUE(runUntilDone());
    EXPECT_EQ(result->ec, asio::error::operation_aborted);
    // The socket still serves the next read.
    asio::write(peer, asio::buffer(std::string_view("next")));
    startDraining(64);
    ASSERT_TRUE(runUntilDone());
    EXPECT_EQ(std::string(buffer.data(), result->n), "next");
}

TEST_F(DrainingReadTest, AClosedSocketIsABadDescriptor)
{
    server.close();
    startDraining(64);
    ASSERT_TRUE(runUntilDone());
    EXPECT_EQ(result->ec, asio::error::bad_descriptor);
}

TEST_F(DrainingReadTest, APeerResetIsReported)
{
    drainOnce();
    startDraining(64);
    peer.set_option(asio::socket_base::linger(true, 0));
    peer.close(); // linger 0: a reset, not a FIN
    ASSERT_TRUE(runUntilDone());
    EXPECT_EQ(result->ec, asio::error::connection_reset);
}

} // namespace
