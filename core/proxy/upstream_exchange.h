#pragma once

#include "core/http/chunked_decoder.h"
#include "core/http/message_head.h"
#include "core/http/read_buffer.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace lblab {

struct BalancerOptions;
struct Watchdog;
class UpstreamPool;

/// The result of one attempt to forward a request upstream. On success the answer is in the
/// exchange (response(), body()).
struct UpstreamResult {
    bool ok = false;
    bool connectFailed = false;   ///< the backend could not be reached at all
    bool dropped = false;         ///< the backend closed the connection before any byte of an answer
    unsigned status = 0;          ///< when !ok: the status to answer (502, 504)
    std::string reason;           ///< when !ok: why
};

/// The upstream half of one client connection: sends a request to a backend over a pooled
/// keep-alive connection (or a new one), reads and frames its answer, and gives the connection
/// back to the pool when it can carry another request. Its buffers are reused from request to
/// request, so the steady state allocates nothing. One request at a time.
class UpstreamExchange {
public:
    /// Connections come from (and go back to) `pool`, new ones on `io`.
    UpstreamExchange(boost::asio::io_context& io, UpstreamPool& pool, const BalancerOptions& options);

    /// The request head to send, written by the caller before forward().
    std::string& head() { return m_head; }
    /// Sends head() and `body` to `backend` at `ep` (named `name` in errors) and reads its answer,
    /// every step with a deadline on `watch` (the client connection's, which outlives the call).
    /// A pooled connection the backend had closed is retried once on a fresh one.
    boost::asio::awaitable<UpstreamResult> forward(const std::shared_ptr<Watchdog>& watch, int backend, boost::asio::ip::tcp::endpoint ep,
                                                   std::string_view name, bool headRequest, std::string_view body);
    /// The answer's head (after a successful forward()).
    const MessageHead& response() const { return m_response; }
    /// The answer's body, decoded when it was chunked (after a successful forward()).
    std::string_view body() const { return m_body; }
    /// Gives back buffer memory a large answer made grow.
    void trimBuffers();

private:
    /// How far a backend's answer in the buffer has come.
    enum class AnswerState { NeedMore, Done, Bad, TooLarge };
    /// Parses what the buffer holds of a backend's answer: the head first (interim 1xx answers
    /// are skipped), then the body by its framing. `headSize` and `framing` carry the progress.
    AnswerState parseAnswer(bool headRequest, std::size_t& headSize, BodyFraming& framing, const char*& error);

    boost::asio::io_context& m_io;
    UpstreamPool& m_pool;
    const BalancerOptions& m_options;
    std::string m_head;     ///< the request line and fields sent upstream
    ReadBuffer m_in;        ///< backend bytes
    MessageHead m_response; ///< views into m_in
    std::string m_decoded;  ///< a decoded chunked response body
    ChunkedDecoder m_chunks;
    std::string_view m_body; ///< into m_in or m_decoded
};

} // namespace lblab
