#include "core/proxy/upstream_pool.h"

#include "core/proxy/balancer_options.h"
#include "core/proxy/proxy_wire.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <cerrno>

#include <sys/socket.h>

namespace lblab {

namespace {

/// True when the peer has closed `socket` (or sent bytes nobody asked for, or it failed): an idle
/// connection in that state can only fail its next request and holds a descriptor until then.
bool idleConnectionBroken(boost::asio::ip::tcp::socket& socket)
{
    char byte = 0;
    const ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
}

} // namespace

UpstreamPool::UpstreamPool(const BalancerOptions& options, std::atomic<std::size_t>& idleTotal)
    : m_options(options), m_idleTotal(idleTotal)
{
}

std::optional<boost::asio::ip::tcp::socket> UpstreamPool::take(int backend)
{
    if (backend < 0 || m_idle.size() <= static_cast<std::size_t>(backend) || m_idle[backend].empty())
        return std::nullopt;
    auto& pool = m_idle[backend];
    std::optional<boost::asio::ip::tcp::socket> socket(std::move(pool.back().socket));
    pool.pop_back();
    --m_idleTotal;
    return socket;
}

void UpstreamPool::keep(int backend, boost::asio::ip::tcp::socket&& socket)
{
    if (backend < 0)
        return;
    if (m_idle.size() <= static_cast<std::size_t>(backend))
        m_idle.resize(backend + 1);
    auto& pool = m_idle[backend];
    // Pooled only below both bounds: with many backends, per-backend pools alone could hold more
    // descriptors than the process may open.
    if (pool.size() < m_options.idlePoolPerBackend && m_idleTotal.load() < m_options.idlePoolTotal) {
        pool.push_back({std::move(socket), Clock::now()});
        ++m_idleTotal;
    }
}

void UpstreamPool::dropAll(int backend)
{
    if (backend < 0 || m_idle.size() <= static_cast<std::size_t>(backend))
        return;
    auto& pool = m_idle[backend];
    m_idleTotal -= pool.size();
    pool.clear();
}

boost::asio::awaitable<void> UpstreamPool::sweepLoop(const std::atomic<bool>& stopping)
{
    // Backends close keep-alive connections they find idle (nginx after 75 s, ours after 30 s):
    // without a sweep, those sockets would sit half-closed in the pool, one descriptor each.
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    const auto limit = proxy_wire::seconds(m_options.upstreamIdleSeconds);
    for (;;) {
        timer.expires_after(std::chrono::seconds(1));
        auto [ec] = co_await timer.async_wait(proxy_wire::nothrow);
        if (ec || stopping)
            co_return;
        const TimePoint now = Clock::now();
        for (auto& pool : m_idle) {
            const std::size_t dropped = std::erase_if(pool, [&](IdleConnection& c) {
                return now - c.since > limit || idleConnectionBroken(c.socket);
            });
            m_idleTotal -= dropped;
        }
    }
}

} // namespace lblab
