#pragma once

#include "core/proxy/proxy_socket.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <memory>

namespace lblab {

/// Cancels a socket's pending operation when its deadline passes. One per request state (a
/// connection borrows it with the buffers while it serves a request), shared by the client socket
/// and the upstream socket in use (a connection does one thing at a time). Lazy: arming only
/// moves the deadline; the timer is re-armed only when the new deadline is earlier than the
/// pending wait, so a busy keep-alive connection costs about one timer wake-up
/// per timeout period instead of a timer operation per read and write.
struct Watchdog {
    using TimePoint = std::chrono::steady_clock::time_point;

    explicit Watchdog(boost::asio::io_context& io) : timer(io) {}

    ProxyTimer timer;
    TimePoint deadline = TimePoint::max();
    TimePoint pending = TimePoint::max();
    ProxySocket* target = nullptr;
    bool fired = false; ///< the last armed deadline passed and cancelled `target`

    /// From now on, `socket`'s pending operation is cancelled `s` seconds from now. Inline: it runs
    /// before every read and write of a request.
    static void arm(const std::shared_ptr<Watchdog>& self, ProxySocket& socket, double s)
    {
        armAt(self, socket,
              std::chrono::steady_clock::now() +
                  std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s)));
    }
    /// The same with the deadline given as a time point.
    static void armAt(const std::shared_ptr<Watchdog>& self, ProxySocket& socket, TimePoint at)
    {
        self->target = &socket;
        self->fired = false;
        self->deadline = at;
        if (self->deadline < self->pending)
            wait(self, self->deadline);
    }
    /// No deadline until the next arm().
    void disarm()
    {
        target = nullptr;
        deadline = TimePoint::max();
    }

private:
    static void wait(const std::shared_ptr<Watchdog>& self, TimePoint at);
};

/// Disarms a watchdog when the scope ends (whichever way a coroutine leaves it).
struct WatchdogDisarm {
    Watchdog& watch;
    ~WatchdogDisarm() { watch.disarm(); }
};

} // namespace lblab
