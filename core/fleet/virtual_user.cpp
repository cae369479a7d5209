#include "core/fleet/virtual_user.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <utility>
#include <vector>

namespace lblab {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {
constexpr std::uint64_t kMaxBodyBytes = 1 << 20;
constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;
constexpr int kFirstBackoffMs = 50;
constexpr int kMaxBackoffMs = 1000;

// A kept-alive connection the peer closed while idle: the request never reached anybody.
bool isStaleConnection(const beast::error_code& ec)
{
    return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe;
}

/// Response buffers of this thread's users: a user borrows one for a request and gives it back once
/// the response is read, so only users with a request in flight hold one. A few are kept for the
/// next requests (their storage already grown to a response's size); a large one is freed.
class SpareBuffers {
public:
    static constexpr std::size_t kKept = 64;
    static constexpr std::size_t kMaxCapacity = 16 * 1024;

    beast::flat_buffer take()
    {
        if (m_spare.empty())
            return {};
        beast::flat_buffer buffer = std::move(m_spare.back());
        m_spare.pop_back();
        return buffer;
    }

    void give(beast::flat_buffer buffer)
    {
        if (buffer.capacity() == 0 || buffer.capacity() > kMaxCapacity || m_spare.size() >= kKept)
            return;
        buffer.clear();
        m_spare.push_back(std::move(buffer));
    }

private:
    std::vector<beast::flat_buffer> m_spare;
};

thread_local SpareBuffers t_spareBuffers;
} // namespace

VirtualUser::VirtualUser(Executor executor, std::shared_ptr<FleetShared> shared, UserScript script, Ipv4 ip)
    : m_shared(std::move(shared))
    , m_script(std::move(script))
    , m_socket(executor)
    , m_timer(executor)
    , m_ip(ip)
{
}

bool VirtualUser::enqueue()
{
    if (m_shared->stopped || m_queued >= std::max(1, m_shared->maxQueued))
        return false;
    ++m_queued;
    m_shared->counters.pending.fetch_add(1, std::memory_order_relaxed);
    if (!m_running) {
        m_running = true;
        asio::co_spawn(m_socket.get_executor(), drain(shared_from_this()), [](std::exception_ptr) {});
    }
    return true;
}

void VirtualUser::moveTo(Ipv4 ip)
{
    m_ip = ip;
    // A busy connection finishes its request; sendOne() notices the new address before the next.
    if (!m_running) {
        closeConnection();
        releaseBuffer();
    }
}

void VirtualUser::stop()
{
    // The buffer stays: a read may still be completing into it; drain() gives it back.
    m_timer.cancel();
    closeConnection();
}

asio::awaitable<void> VirtualUser::drain(std::shared_ptr<VirtualUser> self)
{
    while (m_queued > 0 && !m_shared->stopped) {
        co_await sendOne();
        // Nothing in flight now: the buffer goes back unless the server sent bytes past the response.
        if (m_buffer.size() == 0 || !m_socket.is_open())
            releaseBuffer();
        --m_queued;
        m_shared->counters.pending.fetch_sub(1, std::memory_order_relaxed);
    }
    if (m_shared->stopped)
        releaseBuffer(); // nothing more will be read
    m_running = false;
    (void)self;
}

void VirtualUser::armDeadline()
{
    const std::uint32_t generation = ++m_deadline;
    m_timer.expires_after(m_shared->timeout);
    m_timer.async_wait([self = shared_from_this(), generation](const beast::error_code& ec) {
        // Still running at its deadline: closing the socket ends the connect, write or read in progress
        // (with operation_aborted, counted as a failure as a timeout was).
        if (!ec && generation == self->m_deadline) {
            beast::error_code ignored;
            self->m_socket.close(ignored);
        }
    });
}

void VirtualUser::disarmDeadline()
{
    ++m_deadline; // an expiry already queued finds its generation stale
    m_timer.cancel();
}

asio::awaitable<bool> VirtualUser::connect()
{
    beast::error_code ec;
    releaseBuffer(); // bytes left over belong to the old connection
    // Bind first, so the balancer sees this user's own address as the peer.
    m_socket.open(tcp::v4(), ec);
    if (!ec)
        m_socket.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
        m_socket.bind(tcp::endpoint(asio::ip::address_v4(m_ip), 0), ec);
    if (!ec)
        m_socket.set_option(tcp::no_delay(true), ec);
    if (!ec) {
        m_boundIp = m_ip;
        co_await m_socket.async_connect(m_shared->balancer, asio::redirect_error(asio::use_awaitable, ec));
    }
    if (ec) {
        fail();
        co_await backoff();
        co_return false;
    }
    co_return true;
}

asio::awaitable<void> VirtualUser::sendOne()
{
    if (m_socket.is_open() && m_boundIp != m_ip)
        closeConnection();

    auto request = m_script.nextRequest(m_shared->host);
    bool counted = false;
    // One retry, and only for a reused connection the balancer closed while it was idle.
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (m_shared->stopped)
            co_return;
        const bool reused = m_socket.is_open();
        // One deadline for connect, write and read, as the request timeout says.
        armDeadline();
        if (!reused && !co_await connect()) {
            m_script.onFailure();
            co_return;
        }
        beast::error_code ec;
        co_await http::async_write(m_socket, request, asio::redirect_error(asio::use_awaitable, ec));
        if (!ec) {
            if (!counted)
                m_shared->counters.sent.fetch_add(1, std::memory_order_relaxed);
            counted = true;
            if (m_buffer.capacity() == 0)
                m_buffer = t_spareBuffers.take();
            http::response_parser<http::string_body> parser;
            parser.body_limit(kMaxBodyBytes);
            parser.header_limit(kMaxHeaderBytes);
            co_await http::async_read(m_socket, m_buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
            if (!ec) {
                disarmDeadline();
                m_backoffMs = 0;
                const auto& response = parser.get();
                m_shared->counters.answered.fetch_add(1, std::memory_order_relaxed);
                m_shared->noteBackend(response["X-Backend"]);
                m_script.onResponse(response.base());
                if (!response.keep_alive())
                    closeConnection();
                co_return;
            }
        }
        disarmDeadline();
        if (m_shared->stopped)
            co_return;
        if (reused && attempt == 0 && isStaleConnection(ec)) {
            closeConnection();
            continue;
        }
        fail();
        m_script.onFailure();
        co_return;
    }
}

asio::awaitable<void> VirtualUser::backoff()
{
    // A refused or unbindable connection must not spin: wait a little longer each time.
    disarmDeadline(); // the timer now measures the backoff
    m_backoffMs = static_cast<std::uint16_t>(std::clamp(m_backoffMs * 2, kFirstBackoffMs, kMaxBackoffMs));
    if (m_shared->stopped)
        co_return;
    m_timer.expires_after(std::chrono::milliseconds(m_backoffMs));
    beast::error_code ec;
    co_await m_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

void VirtualUser::fail()
{
    if (!m_shared->stopped)
        m_shared->counters.failed.fetch_add(1, std::memory_order_relaxed);
    closeConnection();
}

void VirtualUser::closeConnection()
{
    beast::error_code ec;
    m_socket.shutdown(tcp::socket::shutdown_both, ec);
    m_socket.close(ec);
}

void VirtualUser::releaseBuffer()
{
    t_spareBuffers.give(std::exchange(m_buffer, beast::flat_buffer{}));
}

} // namespace lblab
