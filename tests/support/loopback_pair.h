#pragma once

// Two ends of one TCP connection over 127.0.0.1, for tests of the balancer's socket operations.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstddef>

namespace lblab::test {

/// What an asynchronous read or write completed with.
struct IoResult {
    boost::system::error_code ec;
    std::size_t n = 0;
};

/// Connects `peer` to `server` through an acceptor on a free loopback port (closed once both ends
/// are connected).
template <typename ServerSocket, typename PeerSocket>
void connectLoopback(boost::asio::io_context& io, ServerSocket& server, PeerSocket& peer)
{
    using tcp = boost::asio::ip::tcp;
    tcp::acceptor acceptor(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    peer.connect(acceptor.local_endpoint());
    acceptor.accept(server);
}

} // namespace lblab::test
