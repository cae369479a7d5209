#pragma once

#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <chrono>
#include <cstdint>
#include <utility>

namespace lblab {

namespace backend_server_detail {

using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

/// One accepted connection; owned by its request's coroutine, or between requests by the wait for the
/// next one; listed (weakly) in the registry so kill() can close it. Its I/O objects are bound to the
/// strand's own executor type (24 bytes) rather than any_io_executor (56).
struct Connection {
    using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Strand>;
    using Timer = boost::asio::basic_waitable_timer<std::chrono::steady_clock,
                                                    boost::asio::wait_traits<std::chrono::steady_clock>, Strand>;

    explicit Connection(Socket s)
        : socket(std::move(s)), timer(socket.get_executor())
    {
    }
    Socket socket;
    /// The deadline of the socket step in progress (waiting for and reading a request, writing the
    /// answer, draining a bad client); in between, while the request is served, the wait for a slot
    /// in the queue and then the service time. Never both at once.
    Timer timer;
    /// Storage only while a request is read, or when bytes of the next request came with it.
    boost::beast::flat_buffer buffer;
    std::uint64_t id = 0;
    std::uint32_t deadline = 0; ///< generation of the armed deadline; a stale expiry does nothing
    bool closed = false;        ///< kill()/stop() closed it; its coroutine ends at the next step
    bool granted = false;       ///< a freed slot was handed to it while it waited
};

} // namespace backend_server_detail

} // namespace lblab
