// What a virtual user holds between requests, measured on the heap: users log in against a server
// that itself holds no heap memory per connection, so every byte the heap grew by is the fleet's.
// LBLAB_FOOTPRINT_USERS=N measures N users instead of the default (the figure quoted in issue 18).

#include "core/fleet/client_fleet.h"
#include "core/fleet/fleet_shared.h"
#include "core/fleet/virtual_user.h"

#include "support/heap_footprint.h"
#include "support/wait_for.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using namespace lblab;
namespace asio = boost::asio;
namespace test = lblab::test;
using lblab::test::heapInUse;
using lblab::test::heapMeterWorks;
using lblab::test::waitFor;

namespace {

/// An HTTP/1.1 server on 127.0.0.1 that allocates nothing per connection: one thread, poll(2), every
/// slot allocated up front, the same keep-alive answer (a login's, with a session cookie) to every
/// request. What the heap grows by while users talk to it is theirs.
class BareServer {
public:
    explicit BareServer(std::size_t maxConnections)
        : m_slots(maxConnections)
    {
        m_polls.reserve(maxConnections + 2);
        m_listen = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (m_listen < 0 || ::bind(m_listen, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
            ::listen(m_listen, 4096) != 0 || ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
            ::pipe2(m_wake, O_CLOEXEC | O_NONBLOCK) != 0)
            throw std::runtime_error("BareServer: cannot listen");
        m_port = ntohs(addr.sin_port);
        const std::string body = R"({"backend":"s1","session":"s1-0123456789abcdef"})" "\n";
        m_answer = "HTTP/1.1 200 OK\r\nServer: lblab-backend\r\nX-Backend: s1\r\n"
                   "Content-Type: application/json\r\n"
                   "Set-Cookie: SESSIONID=s1-0123456789abcdef; Path=/; HttpOnly\r\n"
                   "X-Session-Id: s1-0123456789abcdef\r\nX-Session: created\r\n"
                   "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        m_thread = std::thread([this] { run(); });
    }

    ~BareServer()
    {
        const char stop = 1;
        [[maybe_unused]] const auto n = ::write(m_wake[1], &stop, 1);
        m_thread.join();
        for (Slot& s : m_slots)
            if (s.fd >= 0)
                ::close(s.fd);
        ::close(m_listen);
        ::close(m_wake[0]);
        ::close(m_wake[1]);
    }

    std::uint16_t port() const { return m_port; }
    std::size_t answered() const { return m_answered.load(); }
    std::size_t open() const { return m_open.load(); }

private:
    struct Slot {
        int fd = -1;
        std::size_t len = 0;
        std::array<char, 2048> in{};
    };

    void run()
    {
        for (;;) {
            m_polls.clear();
            m_polls.push_back({m_wake[0], POLLIN, 0});
            m_polls.push_back({m_listen, POLLIN, 0});
            for (const Slot& s : m_slots)
                if (s.fd >= 0)
                    m_polls.push_back({s.fd, POLLIN, 0});
            if (::poll(m_polls.data(), m_polls.size(), 1000) < 0)
                continue;
            if (m_polls[0].revents)
                return;
            if (m_polls[1].revents)
                acceptAll();
            for (std::size_t i = 2; i < m_polls.size(); ++i)
                if (m_polls[i].revents)
                    serve(m_polls[i].fd);
        }
    }

    void acceptAll()
    {
        for (;;) {
            const int fd = ::accept4(m_listen, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0)
                return;
            auto free = std::find_if(m_slots.begin(), m_slots.end(), [](const Slot& s) { return s.fd < 0; });
            if (free == m_slots.end()) {
                ::close(fd);
                continue;
            }
            free->fd = fd;
            free->len = 0;
            ++m_open;
        }
    }

    void serve(int fd)
    {
        auto slot = std::find_if(m_slots.begin(), m_slots.end(), [fd](const Slot& s) { return s.fd == fd; });
        const ssize_t n = ::read(fd, slot->in.data() + slot->len, slot->in.size() - slot->len);
        if (n <= 0) {
            if (n < 0 && errno == EAGAIN)
                return;
            ::close(fd);
            slot->fd = -1;
            --m_open;
            return;
        }
        slot->len += static_cast<std::size_t>(n);
        // Answer every complete request: the header, then Content-Length bytes of body.
        for (;;) {
            const std::string_view in(slot->in.data(), slot->len);
            const std::size_t end = in.find("\r\n\r\n");
            if (end == std::string_view::npos)
                return;
            std::size_t body = 0;
            for (std::size_t at = 0; (at = in.find("\r\n", at)) < end; at += 2) {
                constexpr std::string_view kLength = "\r\ncontent-length:";
                if (end - at > kLength.size() && strncasecmp(in.data() + at, kLength.data(), kLength.size()) == 0)
                    body = std::strtoul(in.data() + at + kLength.size(), nullptr, 10);
            }
            const std::size_t total = end + 4 + body;
            if (slot->len < total)
                return;
            // A few hundred bytes on loopback: a non-blocking write takes them whole.
            if (::write(fd, m_answer.data(), m_answer.size()) != static_cast<ssize_t>(m_answer.size()))
                std::abort();
            ++m_answered;
            std::memmove(slot->in.data(), slot->in.data() + total, slot->len - total);
            slot->len -= total;
        }
    }

    std::vector<Slot> m_slots;
    std::vector<pollfd> m_polls;
    std::string m_answer;
    int m_listen = -1;
    int m_wake[2] = {-1, -1};
    std::uint16_t m_port = 0;
    std::atomic<std::size_t> m_answered{0};
    std::atomic<std::size_t> m_open{0};
    std::thread m_thread;
};

std::size_t usersToMeasure()
{
    if (const char* n = std::getenv("LBLAB_FOOTPRINT_USERS"))
        return std::clamp<std::size_t>(std::strtoul(n, nullptr, 10), 10, 9000);
    return 1000;
}

/// The fleet's io_context on its own thread.
class FleetThread {
public:
    FleetThread()
        : m_thread([this] { io.run(); })
    {
    }
    ~FleetThread()
    {
        m_work.reset();
        io.stop();
        m_thread.join();
    }

    /// Runs `f` on the fleet's thread and waits until it (and everything posted before it) has run.
    template <class F>
    bool onThread(F f)
    {
        auto done = std::make_shared<std::atomic<bool>>(false);
        asio::post(io, [f = std::move(f), done]() mutable {
            f();
            *done = true;
        });
        return waitFor([&] { return done->load(); });
    }

    asio::io_context io;

private:
    asio::executor_work_guard<asio::io_context::executor_type> m_work{io.get_executor()};
    std::thread m_thread;
};

} // namespace

// Between requests a user holds its address, its cookie jar and a timer, not a response buffer,
// a parser or a stream's three timers: the figure per idle, connected, logged-in user stays small.
TEST(VirtualUserFootprint, AnIdleLoggedInUserHoldsLittleHeap)
{
    const bool measured = heapMeterWorks(); // not under a sanitizer: the buffers are still checked there
    const std::size_t warmUp = 8;
    // Per user, the thread's few spare buffers and caches weigh less the more users share them.
    const std::size_t fit = test::connectionsThatFit(usersToMeasure() + warmUp);
    ASSERT_GE(fit, 100 + warmUp) << "too few descriptors to measure";
    const std::size_t n = fit - warmUp;
    BareServer server(n + warmUp);
    FleetThread fleet;
    auto shared = std::make_shared<FleetShared>();
    shared->balancer = asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), server.port());
    shared->host = "127.0.0.1:" + std::to_string(server.port());
    shared->timeout = std::chrono::seconds(10);
    shared->maxQueued = 4;

    std::vector<std::shared_ptr<VirtualUser>> users;
    users.reserve(n + warmUp);
    const auto addUsers = [&](std::size_t count) {
        for (std::size_t i = 0; i < count; ++i) {
            const std::size_t k = users.size();
            users.push_back(std::make_shared<VirtualUser>(fleet.io.get_executor(), shared,
                                                          UserScript("c" + std::to_string(k), ClientBehaviour::Login,
                                                                     SessionCarrier::Cookie, "eu"),
                                                          loopbackAddress(1, static_cast<std::uint32_t>(k))));
        }
    };
    const auto sendRound = [&](std::size_t from, std::size_t answered) {
        const bool queued = fleet.onThread([&] {
            for (std::size_t i = from; i < users.size(); ++i)
                users[i]->enqueue();
        });
        // Answered, and every user's coroutine has ended: nothing in flight.
        return queued && waitFor([&] {
                   return shared->counters.answered.load() == answered && shared->counters.pending.load() == 0;
               }) && fleet.onThread([] {}) && fleet.onThread([] {});
    };

    // One-time costs (the thread's caches, the reactor's first descriptors) before the baseline.
    ASSERT_TRUE(fleet.onThread([&] { addUsers(warmUp); }));
    ASSERT_TRUE(sendRound(0, warmUp));
    ASSERT_TRUE(sendRound(0, 2 * warmUp));

    std::size_t base = 0, made = 0, loggedIn = 0, browsing = 0;
    ASSERT_TRUE(fleet.onThread([&] {
        base = heapInUse();
        addUsers(n);
        made = heapInUse();
    }));
    ASSERT_TRUE(sendRound(warmUp, 2 * warmUp + n)); // the login: a session cookie in every jar
    ASSERT_TRUE(fleet.onThread([&] { loggedIn = heapInUse(); }));
    ASSERT_TRUE(sendRound(warmUp, 2 * warmUp + 2 * n)); // an account page on the kept-alive connection
    ASSERT_TRUE(fleet.onThread([&] { browsing = heapInUse(); }));
    EXPECT_EQ(shared->counters.failed.load(), 0u);
    EXPECT_EQ(server.open(), n + warmUp) << "one kept-alive connection per user";
    for (std::size_t i = warmUp; i < users.size(); ++i) {
        ASSERT_EQ(users[i]->script().phase(), UserScript::Phase::LoggedIn) << i;
        EXPECT_FALSE(users[i]->holdsBuffer()) << "idle user " << i << " kept its response buffer";
    }

    if (measured) {
        const auto perUser = [n](std::size_t bytes, std::size_t since) {
            return static_cast<double>(bytes - std::min(bytes, since)) / static_cast<double>(n);
        };
        std::printf("[ footprint ] %zu users: made %.0f B/user, idle after login %.0f B/user, idle after a "
                    "second request %.0f B/user (connection and request state: %.0f B/user)\n",
                    n, perUser(made, base), perUser(loggedIn, base), perUser(browsing, base), perUser(browsing, made));
        // Made: the user, its script and jar. Idle and connected: plus the reactor's state of its socket
        // and its cookie; no buffer, parser or stream.
        EXPECT_LT(perUser(browsing, base), 1024.0);
        EXPECT_LT(perUser(browsing, made), 512.0);
    }

    ASSERT_TRUE(fleet.onThread([&] {
        shared->stopped = true;
        for (auto& u : users)
            u->stop();
    }));
}

// Everything a fleet keeps per user before any request: the user (its script, socket and timer), its
// roster entry, its plan and its share of the arrival draw, in vectors sized once.
TEST(VirtualUserFootprint, AFleetKeepsLittlePerUser)
{
    if (!heapMeterWorks())
        GTEST_SKIP() << "the heap is not glibc's (a sanitizer build): nothing to measure";
    const std::size_t n = std::max<std::size_t>(usersToMeasure(), 4000);
    asio::io_context io;
    ClientFleet::Options o;
    ClientGroupSpec g;
    g.name = "members";
    g.count = static_cast<int>(n);
    g.behaviour = ClientBehaviour::Login;
    o.groups = {g};
    o.regions = {"eu"};
    o.balancer = asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 1);
    const std::size_t before = heapInUse();
    ClientFleet fleet(io, o);
    const double perUser = static_cast<double>(heapInUse() - before) / static_cast<double>(n);
    std::printf("[ footprint ] a fleet of %zu users keeps %.0f B/user before it sends\n", n, perUser);
    EXPECT_EQ(fleet.roster().size(), n);
    EXPECT_LT(perUser, 800.0);
}
