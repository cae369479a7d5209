#include "core/proxy/upstream_pool.h"

#include "core/proxy/balancer_options.h"
#include "core/proxy/proxy_wire.h"

#include <algorithm>
#include <cerrno>

#include <sys/socket.h>

namespace lblab {

namespace {

/// True when the peer has closed `socket` (or sent bytes nobody asked for, or it failed): an idle
/// connection in that state can only fail its next request and holds a descriptor until then.
bool idleConnectionBroken(ProxySocket& socket)
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

UpstreamPool::Use::Use(UpstreamPool& pool, int backend) : m_pool(pool), m_backend(backend)
{
    if (m_backend < 0)
        return;
    Backend& b = m_pool.backend(m_backend);
    b.peak = std::max(b.peak, ++b.busy);
}

UpstreamPool::Use::~Use()
{
    if (m_backend >= 0)
        --m_pool.backend(m_backend).busy;
}

UpstreamPool::Backend& UpstreamPool::backend(int index)
{
    if (m_backends.size() <= static_cast<std::size_t>(index))
        m_backends.resize(index + 1);
    return m_backends[index];
}

std::optional<ProxySocket> UpstreamPool::take(int backend)
{
    if (backend < 0 || m_backends.size() <= static_cast<std::size_t>(backend) || m_backends[backend].idle.empty())
        return std::nullopt;
    auto& idle = m_backends[backend].idle;
    std::optional<ProxySocket> socket(std::move(idle.back().socket));
    idle.pop_back();
    --m_idleTotal;
    return socket;
}

void UpstreamPool::keep(int index, ProxySocket&& socket)
{
    if (index < 0 || m_closed)
        return;
    auto& idle = backend(index).idle;
    // Pooled only below both bounds: with many backends, per-backend pools alone could hold more
    // descriptors than the process may open.
    if (idle.size() < m_options.idlePoolPerBackend && m_idleTotal.load() < m_options.idlePoolTotal) {
        idle.push_back({std::move(socket), Clock::now()});
        ++m_idleTotal;
    }
}

void UpstreamPool::dropAll(int backend)
{
    if (backend < 0 || m_backends.size() <= static_cast<std::size_t>(backend))
        return;
    auto& idle = m_backends[backend].idle;
    m_idleTotal -= idle.size();
    idle.clear();
}

void UpstreamPool::close()
{
    m_closed = true;
    for (Backend& b : m_backends) {
        m_idleTotal -= b.idle.size();
        b.idle.clear();
    }
}

std::size_t UpstreamPool::idle(int backend) const
{
    return backend >= 0 && m_backends.size() > static_cast<std::size_t>(backend) ? m_backends[backend].idle.size() : 0;
}

void UpstreamPool::sweep()
{
    // Backends close keep-alive connections they find idle (nginx after 75 s, ours after 30 s):
    // without a sweep, those sockets would sit half-closed in the pool, one descriptor each.
    const auto limit = proxy_wire::seconds(m_options.upstreamIdleSeconds);
    const TimePoint now = Clock::now();
    for (Backend& b : m_backends) {
        std::size_t dropped = std::erase_if(b.idle, [&](IdleConnection& c) {
            return now - c.since > limit || idleConnectionBroken(c.socket);
        });
        // More idle connections than the recent peak could have used: the oldest go (a burst's
        // connections do not stay until the idle limit).
        const std::size_t needed = std::max(b.peak, b.previousPeak);
        const std::size_t keep = needed > b.busy ? needed - b.busy : 0;
        if (b.idle.size() > keep) {
            const std::size_t extra = b.idle.size() - keep;
            b.idle.erase(b.idle.begin(), b.idle.begin() + static_cast<std::ptrdiff_t>(extra));
            dropped += extra;
        }
        m_idleTotal -= dropped;
        b.previousPeak = b.peak;
        b.peak = b.busy;
    }
}

} // namespace lblab
