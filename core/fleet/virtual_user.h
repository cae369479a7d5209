#pragma once

#include "core/fleet/fleet_shared.h"
#include "core/fleet/user_script.h"
#include "core/base/ipv4.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

namespace lblab {

/// One virtual user: its own source address, its own keep-alive connection to the balancer,
/// and a small queue of requests it sends one at a time from its own coroutine.
/// Lives on the fleet's thread; every call must be made there.
///
/// Between requests it holds only what it must: its address, its script (cookie jar), a socket and
/// one timer: 384 bytes with its shared_ptr block, plus the reactor's 168 per open socket and its
/// cookies (tests/core/fleet/virtual_user_footprint_test.cpp measures ~735 in all, against ~1,800
/// with a beast::tcp_stream, its own flat_buffer and a second timer). The response buffer is borrowed
/// from the thread's spares for one request and given back when the response is read (kept only if
/// the server sent bytes past the response); the parser lives in the request's coroutine, which
/// ends when the queue is empty.
class VirtualUser : public std::enable_shared_from_this<VirtualUser> {
public:
    using Executor = boost::asio::io_context::executor_type;

    /// A user sending from `ip` as `script` says.
    VirtualUser(Executor executor, std::shared_ptr<FleetShared> shared, UserScript script, Ipv4 ip);

    /// Queues one request; false (and nothing queued) when the queue already holds maxQueued.
    bool enqueue();
    /// Moves to a new source address: an idle connection closes now, a busy one after its request.
    void moveTo(Ipv4 ip);
    /// Cancels everything and closes the connection.
    void stop();

    /// Its current source address.
    Ipv4 address() const { return m_ip; }
    /// Requests waiting or in flight.
    int queued() const { return m_queued; }
    /// Its behaviour state.
    const UserScript& script() const { return m_script; }
    /// True while it holds response-buffer storage (in a request, or bytes left over after one).
    bool holdsBuffer() const { return m_buffer.capacity() > 0; }

private:
    // Bound to the io_context's executor (8 bytes) rather than any_io_executor (56) per I/O object.
    using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;
    using Timer = boost::asio::basic_waitable_timer<std::chrono::steady_clock,
                                                    boost::asio::wait_traits<std::chrono::steady_clock>, Executor>;

    boost::asio::awaitable<void> drain(std::shared_ptr<VirtualUser> self);
    boost::asio::awaitable<void> sendOne();
    boost::asio::awaitable<bool> connect();
    boost::asio::awaitable<void> backoff();
    void armDeadline();
    void disarmDeadline();
    void fail();
    void closeConnection();
    void releaseBuffer();

    std::shared_ptr<FleetShared> m_shared;
    UserScript m_script;
    Socket m_socket;
    /// The one timer: the deadline of the request in flight (connect, write and read), or the
    /// backoff after a failed connection; never both at once.
    Timer m_timer;
    /// Empty and without storage between requests, unless the server sent bytes past a response.
    boost::beast::flat_buffer m_buffer;
    Ipv4 m_ip;
    Ipv4 m_boundIp = 0;
    std::uint32_t m_deadline = 0; ///< generation of the armed deadline; a stale expiry does nothing
    int m_queued = 0;
    std::uint16_t m_backoffMs = 0; ///< the last backoff (0 after a success)
    bool m_running = false;
};

} // namespace lblab
