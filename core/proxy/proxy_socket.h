#pragma once

#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>

namespace lblab {

/// The balancer's sockets and timers, bound by type to their worker's io_context (one pointer)
/// instead of a type-erased any_io_executor: a smaller socket and a smaller pending operation for
/// every waiting connection, and no indirect call per operation.
using ProxySocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;
using ProxyTimer = boost::asio::basic_waitable_timer<std::chrono::steady_clock,
                                                     boost::asio::wait_traits<std::chrono::steady_clock>,
                                                     boost::asio::io_context::executor_type>;

} // namespace lblab
