#pragma once

#include "core/base/clock.h"
#include "core/proxy/proxy_socket.h"

#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <cstddef>
#include <deque>
#include <optional>
#include <vector>

namespace lblab {

struct BalancerOptions;

/// One balancer thread's kept-alive upstream connections, by backend index. Only its own thread
/// touches it; the count of idle connections across all threads is shared, so that the total
/// stays bounded (descriptors are finite) as well as each backend's pool. Besides the fixed
/// bounds, each backend keeps only what its recent concurrency needs: sweep() closes the idle
/// connections beyond the most requests in flight to it at once in the last two intervals.
class UpstreamPool {
public:
    /// Bounded by `options` (which outlive it); `idleTotal` counts idle connections of all pools.
    UpstreamPool(const BalancerOptions& options, std::atomic<std::size_t>& idleTotal);

    /// Counts one request in flight to a backend while it lives (what sweep() sizes the pool by).
    class Use {
    public:
        Use(UpstreamPool& pool, int backend);
        ~Use();
        Use(const Use&) = delete;
        Use& operator=(const Use&) = delete;

    private:
        UpstreamPool& m_pool;
        int m_backend;
    };

    /// The most recently kept idle connection to `backend`, if any.
    std::optional<ProxySocket> take(int backend);
    /// Keeps a connection that finished its exchange cleanly for the next request to `backend`,
    /// if both bounds allow; otherwise it is closed.
    void keep(int backend, ProxySocket&& socket);
    /// Closes every idle connection to `backend`: one stale keep-alive connection means its
    /// siblings likely are too.
    void dropAll(int backend);
    /// Closes idle connections older than the idle limit, closed by the backend, or beyond what
    /// the last two intervals' peak concurrency needed (oldest first). Called once a second on the
    /// pool's thread (ProxyWorker::maintainLoop).
    void sweep();

    /// Before the io_context goes: closes every idle connection and keeps none from now on.
    void close();

    /// Idle connections to `backend` in this pool.
    std::size_t idle(int backend) const;

private:
    /// A kept-alive upstream connection waiting for its next request.
    struct IdleConnection {
        ProxySocket socket;
        TimePoint since;
    };
    /// One backend's idle connections (oldest first) and how many requests it had in flight.
    struct Backend {
        std::vector<IdleConnection> idle;
        std::size_t busy = 0;         ///< requests in flight now
        std::size_t peak = 0;         ///< most in flight at once since the last sweep
        std::size_t previousPeak = 0; ///< the same for the interval before
    };

    Backend& backend(int index);

    const BalancerOptions& m_options;
    std::atomic<std::size_t>& m_idleTotal;
    // By backend index, grown when a backend is first used. A deque: growing it leaves the other
    // backends' pools where they are.
    std::deque<Backend> m_backends;
    bool m_closed = false;
};

} // namespace lblab
