#pragma once

#include "core/base/clock.h"

#include <boost/asio/awaitable.hpp>
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
/// stays bounded (descriptors are finite) as well as each backend's pool.
class UpstreamPool {
public:
    /// Bounded by `options` (which outlive it); `idleTotal` counts idle connections of all pools.
    UpstreamPool(const BalancerOptions& options, std::atomic<std::size_t>& idleTotal);

    /// The most recently kept idle connection to `backend`, if any.
    std::optional<boost::asio::ip::tcp::socket> take(int backend);
    /// Keeps a connection that finished its exchange cleanly for the next request to `backend`,
    /// if both bounds allow; otherwise it is closed.
    void keep(int backend, boost::asio::ip::tcp::socket&& socket);
    /// Closes every idle connection to `backend`: one stale keep-alive connection means its
    /// siblings likely are too.
    void dropAll(int backend);
    /// Closes, once a second until `stopping`, idle connections older than the idle limit or
    /// closed by the backend. Runs on the pool's thread.
    boost::asio::awaitable<void> sweepLoop(const std::atomic<bool>& stopping);

private:
    /// A kept-alive upstream connection waiting for its next request.
    struct IdleConnection {
        boost::asio::ip::tcp::socket socket;
        TimePoint since;
    };

    const BalancerOptions& m_options;
    std::atomic<std::size_t>& m_idleTotal;
    // By backend index, grown when a backend first keeps a connection. A deque: growing it leaves
    // the other backends' pools where they are.
    std::deque<std::vector<IdleConnection>> m_idle;
};

} // namespace lblab
