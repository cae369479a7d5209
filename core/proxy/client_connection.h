#pragma once

#include "core/base/clock.h"
#include "core/base/ipv4.h"
#include "core/http/request_validator.h"
#include "core/proxy/exchange_state.h"
#include "core/proxy/idle_connections.h"
#include "core/proxy/proxy_socket.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <string_view>

namespace lblab {

struct ProxyServices;
struct ProxyWorker;

/// One client connection to the balancer, on its worker's thread. Waiting for a request it holds
/// its socket and a place in the worker's IdleConnections, nothing else: no coroutine, no buffers,
/// no timer, one pending readiness wait. When bytes arrive, a coroutine serves requests while the
/// client has sent some: read a request (headers and body, each within its deadline and limit),
/// let the policy pick a backend, forward it (retrying an idempotent request once elsewhere when
/// the backend did not answer), record the event, write the answer. Its buffers, the parsed
/// request, the event, the decisions and the deadline timer are an ExchangeState borrowed from the
/// worker while it serves and given back when the answer is written and nothing more is buffered;
/// then the connection waits again (kept alive) or closes. A busy connection (its requests come
/// close together, as from a load generator or a browser fetching a page) keeps its state for a
/// short grace first, waiting with a queued read, so a stream of requests costs no readiness
/// re-arm each. Requests that cannot be served are
/// refused with a status and recorded all the same. A waiting connection is one small object (104
/// bytes: its hook, its worker, its socket), since a balancer may hold many thousands.
class ClientConnection : private IdleHook {
public:
    /// Takes over an accepted socket: it waits for its first request (header deadline), or is
    /// refused at once when the balancer has too many connections.
    static void start(ProxyWorker& worker, ProxySocket socket);
    /// Ends the wait of a connection whose deadline passed (IdleConnections calls it).
    static void waitExpired(IdleHook& waiting);

    ~ClientConnection();
    ClientConnection(const ClientConnection&) = delete;
    ClientConnection& operator=(const ClientConnection&) = delete;

private:
    /// How the coroutine starts: the first bytes arrived, the first request never came (408), or
    /// the balancer has too many connections (503).
    enum class Start { Bytes, Silent, Busy };
    /// How reading a request's header block ended.
    enum class ReadState { Ok, Closed, Rejected, Silent };
    /// How reading a request's body ended.
    enum class BodyState { Ok, Closed, Rejected };
    /// How a hot wait ended: the next request's bytes came, the grace passed (give the state back
    /// and wait with nothing), or the connection closed (or the balancer stops).
    enum class HotWait { Bytes, Cooled, Closed };

    ClientConnection(ProxyWorker& worker, ProxySocket socket, Ipv4 peer);

    /// Its place in the worker's IdleConnections while it waits.
    IdleHook& hook() { return *this; }
    /// What it shares with the balancer (options, backends, recorder), through its worker.
    ProxyServices& services() const;

    /// Waits for the next request's bytes holding nothing but the socket.
    static void wait(std::unique_ptr<ClientConnection> self);
    /// Serves requests while the client has sent some; then waits again or closes.
    static boost::asio::awaitable<void> serve(std::unique_ptr<ClientConnection> self, Start start);

    boost::asio::awaitable<ReadState> readHeader(RequestVerdict& verdict, std::size_t& headerSize);
    boost::asio::awaitable<BodyState> readBody(std::size_t headerSize, RequestVerdict& verdict, std::string_view& body,
                                               std::size_t& rawSize);
    /// A busy connection's wait for its next request, keeping its state for the hot grace: the read
    /// is queued in the reactor with no system call, where a readiness wait costs one (epoll_ctl).
    boost::asio::awaitable<HotWait> waitHot();
    /// Answers `verdict`'s status and closes (lingering); records it unless the client never sent a byte.
    boost::asio::awaitable<void> refuse(const RequestVerdict& verdict, bool captured, TimePoint arrival);
    /// Serves one parsed request; true when the connection stays open for the next.
    boost::asio::awaitable<bool> handle(std::string_view body, TimePoint arrival);

    /// The state for a request, borrowed from the worker unless already held.
    ExchangeState& borrow();
    /// Gives the state back (nothing of a next request is buffered).
    void giveBack();

    ProxyWorker& m_worker;
    ProxySocket m_socket;
    std::unique_ptr<ExchangeState> m_x; ///< while a request is being read or served; null when waiting
    Ipv4 m_peer;
    bool m_first = true;          ///< no request served yet
    /// Until the first request is read: its header deadline, counted from the start. Then: when the
    /// last request arrived (its successor soon after makes the connection busy).
    TimePoint m_firstDeadlineThenLastArrival{};
};

} // namespace lblab
