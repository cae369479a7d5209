#pragma once

#include "core/fleet/fleet_shared.h"
#include "core/fleet/user_script.h"
#include "core/base/ipv4.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <memory>

namespace lblab {

/// One virtual user: its own source address, its own keep-alive connection to the balancer,
/// and a small queue of requests it sends one at a time from its own coroutine.
/// Lives on the fleet's thread; every call must be made there.
class VirtualUser : public std::enable_shared_from_this<VirtualUser> {
public:
    /// A user sending from `ip` as `script` says.
    VirtualUser(boost::asio::any_io_executor executor, std::shared_ptr<FleetShared> shared, UserScript script,
                Ipv4 ip);

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

private:
    boost::asio::awaitable<void> drain(std::shared_ptr<VirtualUser> self);
    boost::asio::awaitable<void> sendOne();
    boost::asio::awaitable<bool> connect();
    boost::asio::awaitable<void> backoff();
    void fail();
    void closeConnection();

    std::shared_ptr<FleetShared> m_shared;
    UserScript m_script;
    Ipv4 m_ip;
    Ipv4 m_boundIp = 0;
    boost::beast::tcp_stream m_stream;
    boost::beast::flat_buffer m_buffer;
    boost::asio::steady_timer m_backoffTimer;
    std::chrono::milliseconds m_backoff{0};
    int m_queued = 0;
    bool m_running = false;
};

} // namespace lblab
