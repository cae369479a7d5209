// What a backend holds for a kept-alive connection between requests, measured on the heap: the
// clients are plain blocking sockets of the test thread that allocate nothing, so every byte the heap
// grew by is the server's. LBLAB_FOOTPRINT_CONNECTIONS=N measures N connections instead of the default.

#include "core/backend/backend_server.h"

#include "support/heap_footprint.h"
#include "support/wait_for.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <thread>
#include <vector>

namespace lblab {
namespace {

namespace asio = boost::asio;
using test::heapInUse;
using test::heapMeterWorks;
using test::waitFor;

/// A blocking client socket with a 5 s deadline on every call; holds no heap memory.
class BareClient {
public:
    BareClient() = default;
    BareClient(const BareClient&) = delete;
    BareClient& operator=(const BareClient&) = delete;
    ~BareClient()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }

    bool connect(std::uint16_t port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (m_fd < 0)
            return false;
        timeval timeout{5, 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        ::setsockopt(m_fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(port);
        return ::connect(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    }

    /// Sends `request` and reads one whole answer (header and Content-Length body); its status, 0 on error.
    int exchange(std::string_view request)
    {
        if (::send(m_fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
            return 0;
        std::array<char, 4096> in;
        std::size_t len = 0;
        for (;;) {
            const ssize_t n = ::recv(m_fd, in.data() + len, in.size() - len, 0);
            if (n <= 0)
                return 0;
            len += static_cast<std::size_t>(n);
            const std::string_view got(in.data(), len);
            const std::size_t end = got.find("\r\n\r\n");
            if (end == std::string_view::npos)
                continue;
            std::size_t body = 0;
            for (std::size_t at = 0; (at = got.find("\r\n", at)) < end; at += 2) {
                constexpr std::string_view kLength = "\r\ncontent-length:";
                if (end - at > kLength.size() && strncasecmp(got.data() + at, kLength.data(), kLength.size()) == 0)
                    body = std::strtoul(got.data() + at + kLength.size(), nullptr, 10);
            }
            if (len >= end + 4 + body)
                return len > 12 ? std::atoi(got.data() + 9) : 0;
        }
    }

private:
    int m_fd = -1;
};

std::size_t connectionsToMeasure()
{
    if (const char* n = std::getenv("LBLAB_FOOTPRINT_CONNECTIONS"))
        return std::clamp<std::size_t>(std::strtoul(n, nullptr, 10), 10, 9000);
    return 1000;
}

} // namespace

// Between requests a kept-alive connection holds its socket, its timer and the wait for the next
// request, not a read buffer, a parser and a coroutine frame sized for a whole exchange.
TEST(BackendFootprint, AnIdleKeptAliveConnectionHoldsLittleHeap)
{
    if (!heapMeterWorks())
        GTEST_SKIP() << "the heap is not glibc's (a sanitizer build): nothing to measure";
    // Per connection, the server's few spare buffers weigh less the more connections share them.
    const std::size_t fit = test::connectionsThatFit(connectionsToMeasure() + 8);
    ASSERT_GE(fit, 108u) << "too few descriptors to measure";
    const std::size_t n = fit - 8;
    asio::io_context io;
    auto work = asio::make_work_guard(io);
    std::thread ioThread([&] { io.run(); });
    const auto settled = [&] {
        // Whatever the answers' completions still had to do (loop back to the wait) has run.
        for (int round = 0; round < 3; ++round) {
            auto ran = std::make_shared<std::atomic<bool>>(false);
            asio::post(io, [ran] { *ran = true; });
            if (!waitFor([&] { return ran->load(); }))
                return false;
        }
        return true;
    };
    {
        BackendSpec spec;
        spec.name = "s1";
        spec.serviceTimeMs = 0;
        spec.capacity = 64;
        BackendServer server(io, spec, 1);
        server.start();
        const std::uint16_t port = server.endpoint().port();
        constexpr std::string_view kSearch = "GET /search?loc=eu HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                             "User-Agent: lblab-fleet\r\nX-LBLab-Client: c1\r\nX-Region: eu\r\n\r\n";

        // One-time costs (the strand's and the thread's caches, the reactor's first descriptors).
        std::vector<BareClient> warm(8);
        for (auto& c : warm) {
            ASSERT_TRUE(c.connect(port));
            ASSERT_EQ(c.exchange(kSearch), 200);
            ASSERT_EQ(c.exchange(kSearch), 200);
        }
        ASSERT_TRUE(settled());

        std::vector<BareClient> clients(n);
        const std::size_t base = heapInUse();
        for (auto& c : clients)
            ASSERT_TRUE(c.connect(port));
        for (auto& c : clients)
            ASSERT_EQ(c.exchange(kSearch), 200);
        ASSERT_TRUE(settled());
        const std::size_t once = heapInUse();
        for (auto& c : clients)
            ASSERT_EQ(c.exchange(kSearch), 200);
        ASSERT_TRUE(settled());
        const std::size_t twice = heapInUse();

        const auto perConnection = [n, base](std::size_t bytes) {
            return static_cast<double>(bytes - std::min(bytes, base)) / static_cast<double>(n);
        };
        std::printf("[ footprint ] %zu idle kept-alive backend connections: %.0f B each after one request, "
                    "%.0f B after two\n", n, perConnection(once), perConnection(twice));
        // A socket, a timer, two pending operations and the reactor's state of the socket; no read
        // buffer, parser or coroutine frame.
        EXPECT_LT(perConnection(twice), 1200.0);
        server.stop();
    }
    work.reset();
    io.stop();
    ioThread.join();
}

} // namespace lblab
