#pragma once

#include "core/base/clock.h"
#include "core/base/ipv4.h"
#include "core/http/chunked_decoder.h"
#include "core/http/message_head.h"
#include "core/http/read_buffer.h"
#include "core/http/request_validator.h"
#include "core/proxy/upstream_exchange.h"
#include "core/request_event.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lblab {

struct ProxyServices;
struct ProxyWorker;
struct Watchdog;

/// One client connection to the balancer, served as a coroutine on its worker's thread: read a
/// request (headers and body, each within its deadline and limit), let the policy pick a backend,
/// forward it (retrying an idempotent request once elsewhere when the backend did not answer),
/// record the event, write the answer; again while the connection is kept alive. Requests that
/// cannot be served are refused with a status and recorded all the same. Everything it reuses
/// from request to request lives here, so the steady state allocates nothing: buffers keep their
/// capacity, the event and the decisions keep their strings.
class ClientConnection {
public:
    /// Serves the client on `socket` until it closes, the balancer stops or a deadline passes.
    static boost::asio::awaitable<void> serve(ProxyServices& services, ProxyWorker& worker,
                                              boost::asio::ip::tcp::socket socket);

    ClientConnection(ProxyServices& services, ProxyWorker& worker, boost::asio::ip::tcp::socket socket);
    ~ClientConnection();
    ClientConnection(const ClientConnection&) = delete;
    ClientConnection& operator=(const ClientConnection&) = delete;

private:
    /// How reading a request's header block ended.
    enum class ReadState { Ok, Closed, Rejected, Silent };
    /// How reading a request's body ended.
    enum class BodyState { Ok, Closed, Rejected };

    boost::asio::awaitable<ReadState> readHeader(bool first, RequestVerdict& verdict, std::size_t& headerSize);
    boost::asio::awaitable<BodyState> readBody(std::size_t headerSize, RequestVerdict& verdict, std::string_view& body,
                                               std::size_t& rawSize);
    /// Answers `verdict`'s status and closes (lingering); records it unless the client never sent a byte.
    boost::asio::awaitable<void> refuse(const RequestVerdict& verdict, bool captured, Ipv4 peer, TimePoint arrival);
    /// Serves one parsed request; true when the connection stays open for the next.
    boost::asio::awaitable<bool> handle(std::string_view body, Ipv4 peer, TimePoint arrival);

    ProxyServices& m_services;
    boost::asio::ip::tcp::socket m_socket;
    std::shared_ptr<Watchdog> m_watch;
    ReadBuffer m_in;                  ///< client bytes; the request head stays at its front while served
    MessageHead m_request;            ///< views into m_in
    std::string m_requestBody;        ///< a decoded chunked request body
    ChunkedDecoder m_chunks;          ///< of a chunked request body
    UpstreamExchange m_upstream;      ///< the backend side of the request being served
    std::string m_out;                ///< the response head sent to the client
    std::string m_plainBody;          ///< the text of a response the balancer makes itself
    std::string_view m_body;          ///< the response body to send (the upstream answer's or m_plainBody)
    std::vector<std::string_view> m_cookies; ///< Set-Cookie values of the answer, for the policy
    RequestEvent m_event;
    Decision m_decision; ///< the policy's pick for the request being served (reused: no allocation)
    Decision m_retry;    ///< the pick for its one retry elsewhere
};

} // namespace lblab
