#include "core/engines/log_socket.h"

#include "tests/support/wait_for.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace lblab {

namespace {

/// A UDP sender to 127.0.0.1:port.
class Sender {
public:
    explicit Sender(std::uint16_t port) : m_fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0))
    {
        m_to.sin_family = AF_INET;
        m_to.sin_port = htons(port);
        m_to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    }
    ~Sender() { ::close(m_fd); }
    bool send(std::string_view text)
    {
        return ::sendto(m_fd, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&m_to), sizeof m_to) ==
               static_cast<ssize_t>(text.size());
    }

private:
    int m_fd;
    sockaddr_in m_to{};
};

} // namespace

TEST(LogSocketTest, EveryDatagramOfABurstArrivesWhole)
{
    std::mutex mutex;
    std::vector<std::string> firstFew;
    std::atomic<std::uint64_t> bytes{0};
    std::atomic<std::uint64_t> count{0};
    LogSocket socket([&](std::string_view datagram) {
        bytes += datagram.size();
        if (count++ < 3) {
            std::lock_guard lock(mutex);
            firstFew.emplace_back(datagram);
        }
    });
    const std::uint16_t port = socket.bindLoopback();
    ASSERT_NE(port, 0);
    EXPECT_GT(socket.receiveBufferBytes(), 0);

    constexpr int kDatagrams = 20'000;
    const std::string line =
        "LBLAB1 127.0.0.1 200 3 0 s1 c17 hit pinned abcdef0123456789 GET /api/cart?sid=abcdef0123456789";
    Sender sender(port);
    std::uint64_t sentBytes = 0;
    for (int i = 0; i < kDatagrams; ++i) {
        const std::string datagram = line + " " + std::to_string(i);
        ASSERT_TRUE(sender.send(datagram));
        sentBytes += datagram.size();
    }
    EXPECT_EVENTUALLY(socket.datagrams() + socket.kernelDrops() >= kDatagrams);
    EXPECT_EQ(socket.kernelDrops(), 0u) << "receive buffer " << socket.receiveBufferBytes();
    EXPECT_EQ(socket.datagrams(), static_cast<std::uint64_t>(kDatagrams));
    EXPECT_EQ(count.load(), static_cast<std::uint64_t>(kDatagrams));
    EXPECT_EQ(bytes.load(), sentBytes);
    std::lock_guard lock(mutex);
    ASSERT_FALSE(firstFew.empty());
    EXPECT_EQ(firstFew.front(), line + " 0");
}

TEST(LogSocketTest, StopIsPromptAndIdempotent)
{
    std::atomic<int> received{0};
    LogSocket socket([&](std::string_view) { ++received; });
    const auto port = socket.bindLoopback();
    Sender sender(port);
    ASSERT_TRUE(sender.send("hello"));
    ASSERT_EVENTUALLY(received == 1);
    const auto start = std::chrono::steady_clock::now();
    socket.stop();
    // Prompt: far below the poll backstop times a loaded machine's worst case.
    EXPECT_LT(test::elapsedSince(start).count(), 2.0);
    socket.stop();
    EXPECT_EQ(socket.datagrams(), 1u);
    EXPECT_EQ(socket.kernelDrops(), 0u);
    EXPECT_THROW(socket.bindLoopback(), std::logic_error);
}

TEST(LogSocketTest, AFullBufferCountsKernelDrops)
{
    // A reader that blocks until released: the socket's buffer fills and the kernel drops the rest.
    std::atomic<bool> release{false};
    LogSocket socket([&](std::string_view) {
        while (!release)
            std::this_thread::yield();
    });
    const auto port = socket.bindLoopback();
    Sender sender(port);
    const std::string big(60'000, 'x');
    const int needed = socket.receiveBufferBytes() / 30'000 + 100; // well past what the buffer holds
    for (int i = 0; i < needed; ++i)
        sender.send(big);
    EXPECT_EVENTUALLY(socket.kernelDrops() > 0);
    release = true;
    socket.stop();
    EXPECT_GT(socket.kernelDrops(), 0u);
}

} // namespace lblab
