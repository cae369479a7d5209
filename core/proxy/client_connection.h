#pragma once

#include "core/base/clock.h"
#include "core/base/ipv4.h"
#include "core/http/request_validator.h"
#include "core/proxy/exchange_state.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <string_view>

namespace lblab {

struct ProxyServices;
struct ProxyWorker;
struct Watchdog;

/// One client connection to the balancer, served as a coroutine on its worker's thread: wait for
/// a request, read it (headers and body, each within its deadline and limit), let the policy pick a
/// backend, forward it (retrying an idempotent request once elsewhere when the backend did not
/// answer), record the event, write the answer; again while the connection is kept alive. Requests
/// that cannot be served are refused with a status and recorded all the same. Between requests it
/// holds only its socket and its deadline: the buffers, the parsed request, the event and the
/// decisions are an ExchangeState borrowed from the worker when bytes arrive and given back when
/// the answer is written, so an idle keep-alive connection costs little more than its descriptor.
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

    /// Waits, holding no buffers, until the client sends something (Ok, the deadline still armed),
    /// closes or lets its deadline pass: the header deadline on a new connection (Silent, with a
    /// 408 verdict), the idle deadline between requests (Closed).
    boost::asio::awaitable<ReadState> awaitRequest(bool first, RequestVerdict& verdict);
    boost::asio::awaitable<ReadState> readHeader(bool first, RequestVerdict& verdict, std::size_t& headerSize);
    boost::asio::awaitable<BodyState> readBody(std::size_t headerSize, RequestVerdict& verdict, std::string_view& body,
                                               std::size_t& rawSize);
    /// Answers `verdict`'s status and closes (lingering); records it unless the client never sent a byte.
    boost::asio::awaitable<void> refuse(const RequestVerdict& verdict, bool captured, Ipv4 peer, TimePoint arrival);
    /// Serves one parsed request; true when the connection stays open for the next.
    boost::asio::awaitable<bool> handle(std::string_view body, Ipv4 peer, TimePoint arrival);

    /// The state for a request, borrowed from the worker unless already held.
    ExchangeState& borrow();
    /// Gives the state back (the connection is idle: nothing of a next request is buffered).
    void giveBack();

    ProxyServices& m_services;
    ProxyWorker& m_worker;
    boost::asio::ip::tcp::socket m_socket;
    std::shared_ptr<Watchdog> m_watch;
    std::unique_ptr<ExchangeState> m_x; ///< while a request is being read or served; null when idle
};

} // namespace lblab
