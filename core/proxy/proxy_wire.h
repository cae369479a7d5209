#pragma once

// What the balancer writes on the wire besides what it forwards: the upstream request head, its
// own answers' heads, and the rules for which fields cross. Shared by the client connection and
// the upstream exchange.

#include "core/base/ipv4.h"
#include "core/http/message_head.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace lblab::proxy_wire {

/// Completion token of every proxy operation: errors come back as values, nothing throws.
inline constexpr auto nothrow = boost::asio::as_tuple(boost::asio::use_awaitable);

/// Read size of the client and upstream buffers.
inline constexpr std::size_t kReadChunk = 16 * 1024;
/// Per-connection buffers grow for large messages; above this they are given back afterwards.
inline constexpr std::size_t kKeptBufferBytes = 64 * 1024;

/// `s` seconds as a steady_clock duration.
std::chrono::steady_clock::duration seconds(double s);
/// "2.5 s".
std::string formatSeconds(double s);

/// Fields a proxy must not forward upstream (RFC 9110 7.6.1), plus Content-Length, which the
/// balancer writes itself for the body it sends.
bool isHopByHop(std::string_view name);
/// Methods a request may be retried with on another backend when the first did not answer.
bool isIdempotent(std::string_view method);

/// True for the errors that mean the peer closed the connection.
inline bool isEof(const boost::system::error_code& ec)
{
    return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
}

/// A message head and its body as one gather write (one writev, no copy of the body).
inline std::array<boost::asio::const_buffer, 2> twoBuffers(std::string_view head, std::string_view body)
{
    return {boost::asio::const_buffer(head.data(), head.size()), boost::asio::const_buffer(body.data(), body.size())};
}

/// The upstream request into `out`, formatted once: the client's request line and fields minus
/// hop-by-hop ones (and Expect, answered here), plus X-Forwarded-For and the body's length.
void writeUpstreamHead(std::string& out, const MessageHead& request, Ipv4 peer, std::size_t bodySize);

/// Formats a response the balancer makes itself (an error): head into `out`, text into `text`.
/// Extra fields and Connection/Content-Length follow with finishHead().
void beginPlainResponse(std::string& out, std::string& text, unsigned status, std::string_view reason,
                        unsigned version);

/// Ends a response head: Connection as the version needs it, Content-Length, the empty line.
void finishHead(std::string& out, unsigned version, bool keepAlive, bool withLength, std::uint64_t length);

} // namespace lblab::proxy_wire
