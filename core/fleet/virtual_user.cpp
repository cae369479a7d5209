#include "core/fleet/virtual_user.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>

namespace lblab {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {
constexpr std::uint64_t kMaxBodyBytes = 1 << 20;
constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;
constexpr std::chrono::milliseconds kFirstBackoff{50};
constexpr std::chrono::milliseconds kMaxBackoff{1000};

// A kept-alive connection the peer closed while idle: the request never reached anybody.
bool isStaleConnection(const beast::error_code& ec)
{
    return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe;
}
} // namespace

VirtualUser::VirtualUser(asio::any_io_executor executor, std::shared_ptr<FleetShared> shared, UserScript script,
                         Ipv4 ip)
    : m_shared(std::move(shared))
    , m_script(std::move(script))
    , m_ip(ip)
    , m_stream(executor)
    , m_backoffTimer(executor)
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
        asio::co_spawn(m_stream.get_executor(), drain(shared_from_this()), [](std::exception_ptr) {});
    }
    return true;
}

void VirtualUser::moveTo(Ipv4 ip)
{
    m_ip = ip;
    // A busy connection finishes its request; sendOne() notices the new address before the next.
    if (!m_running)
        closeConnection();
}

void VirtualUser::stop()
{
    m_backoffTimer.cancel();
    closeConnection();
}

asio::awaitable<void> VirtualUser::drain(std::shared_ptr<VirtualUser> self)
{
    while (m_queued > 0 && !m_shared->stopped) {
        co_await sendOne();
        --m_queued;
        m_shared->counters.pending.fetch_sub(1, std::memory_order_relaxed);
    }
    m_running = false;
    (void)self;
}

asio::awaitable<bool> VirtualUser::connect()
{
    beast::error_code ec;
    tcp::socket& socket = m_stream.socket();
    m_buffer.clear();
    // Bind first, so the balancer sees this user's own address as the peer.
    socket.open(tcp::v4(), ec);
    if (!ec)
        socket.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
        socket.bind(tcp::endpoint(asio::ip::address_v4(m_ip), 0), ec);
    if (!ec)
        socket.set_option(tcp::no_delay(true), ec);
    if (!ec) {
        m_boundIp = m_ip;
        co_await m_stream.async_connect(m_shared->balancer, asio::redirect_error(asio::use_awaitable, ec));
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
    if (m_stream.socket().is_open() && m_boundIp != m_ip)
        closeConnection();

    auto request = m_script.nextRequest(m_shared->host);
    bool counted = false;
    // One retry, and only for a reused connection the balancer closed while it was idle.
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (m_shared->stopped)
            co_return;
        const bool reused = m_stream.socket().is_open();
        m_stream.expires_after(m_shared->timeout);
        if (!reused && !co_await connect()) {
            m_script.onFailure();
            co_return;
        }
        beast::error_code ec;
        co_await http::async_write(m_stream, request, asio::redirect_error(asio::use_awaitable, ec));
        if (!ec) {
            if (!counted)
                m_shared->counters.sent.fetch_add(1, std::memory_order_relaxed);
            counted = true;
            http::response_parser<http::string_body> parser;
            parser.body_limit(kMaxBodyBytes);
            parser.header_limit(kMaxHeaderBytes);
            co_await http::async_read(m_stream, m_buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
            if (!ec) {
                m_stream.expires_never();
                m_backoff = std::chrono::milliseconds{0};
                const auto& response = parser.get();
                m_shared->counters.answered.fetch_add(1, std::memory_order_relaxed);
                m_shared->noteBackend(response["X-Backend"]);
                m_script.onResponse(response.base());
                if (!response.keep_alive())
                    closeConnection();
                co_return;
            }
        }
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
    m_backoff = std::clamp(m_backoff * 2, kFirstBackoff, kMaxBackoff);
    if (m_shared->stopped)
        co_return;
    m_backoffTimer.expires_after(m_backoff);
    beast::error_code ec;
    co_await m_backoffTimer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
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
    m_stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    m_stream.close();
    m_buffer.clear();
}

} // namespace lblab
