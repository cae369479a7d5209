#include "core/backend/backend_server.h"

#include "core/backend/backend_connection.h"
#include "core/backend/request_handler.h"
#include "core/backend/sync_failure.h"
#include "core/base/clock.h"
#include "core/base/exact_allocator.h"
#include "core/store/redis_client.h"
#include "core/store/store_meter.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <deque>
#include <future>
#include <mutex>
#include <random>
#include <stdexcept>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

// Choices worth knowing:
// - Everything mutable lives on one strand, so the session store, the slot queue and the
//   connection registry need no mutex; counters are atomics so stats() can be read anywhere.
// - kill() is a crash: acceptor and sockets closed, in-flight requests lost, and the server's
//   memory gone: every session is dropped at once, so restore() starts empty and a client still
//   holding a cookie for one of them gets 401 X-Session: miss (what a real restart does to an
//   in-memory session store). Counters are the lab's observation, not the server's memory: kept.
//   stop() is final. Under the shared store the sessions are in Redis, not in the server: a killed
//   server's users find them again on any server (and on this one once restored).
// - stats().inFlight counts requests admitted and not yet answered: in service plus queued.
// - Public calls made from outside the io thread post onto the strand and wait, so start() and
//   restore() can throw at the caller. A call from a handler of the same io_context only posts
//   (waiting there could deadlock a single-threaded io_context). If nothing runs the io_context and
//   it is not stopped (never run yet), the wait gives up after kSyncWait; the work still runs later.
// - The io_context must outlive the BackendServer object (pending handlers may outlive both).
// - A kept-alive connection between requests holds its socket, one timer, a wait for readability and
//   its idle deadline, not a read buffer, a parser or a coroutine: ~810 heap bytes with the reactor's
//   state of the socket and the registry's entry (tests/core/backend/backend_footprint_test.cpp),
//   against ~4,760 when its coroutine (a 1.1 KB frame holding the parser, 0.5 KB of co_spawn) sat in
//   http::async_read on a beast::tcp_stream (its impl: 0.5 KB) with a 512-byte buffer. The request's
//   coroutine starts when the next request's first bytes arrive, and the read buffer is borrowed from
//   the server's spares for that request. Bytes of a following request that came with one
//   (pipelining) stay in the connection's buffer and are served at once, in order.

namespace lblab {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr auto kAcceptBackoff = 50ms;       // after e.g. EMFILE, so the loop does not spin
constexpr auto kSyncWait = 3s;              // how long a public call waits for the io thread
constexpr auto kSweepInterval = 5s;         // expired sessions leave stats.sessions at least this often
constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kBodyLimit = 64 * 1024;
constexpr std::size_t kReadBufferLimit = kHeaderLimit + kBodyLimit + 4096;
constexpr std::size_t kMaxConnections = 16'384;
constexpr std::size_t kLingerDrainLimit = 256 * 1024;
constexpr std::size_t kSpareBuffers = 64;             // read buffers kept for the next requests
constexpr std::size_t kMaxSpareCapacity = 16 * 1024;  // a larger one (a big body grew it) is freed
constexpr double kMaxServiceFactor = 50.0;  // an exponential draw is capped at 50x the mean
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

bool isParseError(const beast::error_code& ec)
{
    return ec.category() == http::make_error_code(http::error::bad_method).category()
        && ec != http::error::end_of_stream && ec != http::error::partial_message;
}

} // namespace


/// Everything lives on one strand: the acceptor, the connections, the sessions, the slots. Handlers
/// hold a shared_ptr to it, so it outlives the BackendServer while any of them is pending.
class BackendServer::Impl : public std::enable_shared_from_this<BackendServer::Impl> {
    using Connection = backend_server_detail::Connection;
    using ConnectionPtr = std::shared_ptr<Connection>;
    using SyncFailure = backend_server_detail::SyncFailure;

public:
    Impl(asio::io_context& io, BackendSpec spec, std::uint64_t seed, SessionStoreLink store)
        : m_io(io), m_strand(asio::make_strand(io)), m_spec(std::move(spec)),
          m_errorRate(std::clamp(m_spec.errorRate, 0.0, 1.0)),
          m_serviceTimeMs(std::max(0.0, m_spec.serviceTimeMs)), m_acceptor(m_strand), m_sweepTimer(m_strand),
          m_handler(m_spec.name, m_spec.region, seed ^ 0x5bd1e995ULL), m_rng(seed), m_store(std::move(store))
    {
        m_handler.useStore(m_store.kind, m_store.signer, m_store.ttl);
        if (m_store.kind == SessionStoreKind::Shared)
            m_redis = std::make_unique<RedisClient>(m_strand, m_store.redisSocket, m_store.deadline);
    }

    void start(std::uint16_t port)
    {
        if (m_started.exchange(true))
            throw std::logic_error("backend " + m_spec.name + " already started");
        try {
            // No handler touches the acceptor before the accept loop is spawned below, so
            // opening it on the caller's thread is safe and lets the error reach the caller.
            openAcceptor(port);
        } catch (...) {
            m_started = false;
            throw;
        }
        m_alive = true;
        const std::uint64_t generation = ++m_acceptGeneration;
        asio::co_spawn(m_strand, acceptLoop(generation), asio::detached);
        asio::co_spawn(m_strand, sweepLoop(), asio::detached);
    }

    void kill()
    {
        m_alive = false;
        runSync([this] {
            closeAll();
            m_handler.sessions().clear();
            m_sessions = 0;
            if (m_redis)
                m_redis->close(); // its connection dies with it; the sessions stay in Redis
        });
    }

    void restore()
    {
        runSync([this] {
            if (m_stopped || !m_started)
                throw std::logic_error("backend " + m_spec.name + " cannot be restored: not running");
            if (m_acceptor.is_open())
                return;
            openAcceptor(m_port);
            m_alive = true;
            const std::uint64_t generation = ++m_acceptGeneration;
            asio::co_spawn(m_strand, acceptLoop(generation), asio::detached);
        });
    }

    void stop()
    {
        m_alive = false;
        runSync([this] {
            m_stopped = true;
            m_sweepTimer.cancel();
            closeAll();
            if (m_redis) {
                m_redis->close(); // pending calls fail now, their requests end
                m_redis.reset();
            }
        });
    }

    void setTimeouts(Timeouts timeouts)
    {
        if (m_started)
            throw std::logic_error("backend " + m_spec.name + ": timeouts are set before start()");
        m_timeouts = timeouts;
    }

    void setErrorRate(double rate) { m_errorRate = std::clamp(rate, 0.0, 1.0); }
    void setServiceTimeMs(double ms) { m_serviceTimeMs = std::max(0.0, ms); }
    const BackendSpec& spec() const { return m_spec; }
    tcp::endpoint endpoint() const { return {asio::ip::address_v4::loopback(), m_port.load()}; }
    bool alive() const { return m_alive; }

    BackendStats stats() const
    {
        BackendStats s;
        s.requests = m_requests;
        s.rejected = m_rejected;
        s.errors = m_errors;
        s.sessionHits = m_sessionHits;
        s.sessionMisses = m_sessionMisses;
        s.distinctPeers = m_distinctPeers;
        s.inFlight = m_inFlight;
        s.sessions = m_sessions;
        return s;
    }

private:
    /// Runs `f` on the strand and waits for it, so state changes are visible when the call returns
    /// and exceptions reach the caller. Runs inline on the strand, or when nothing runs the io_context.
    /// From another handler of the same io_context it only posts (waiting could deadlock a
    /// single-threaded io_context); if no thread runs the io_context it stops waiting after kSyncWait.
    template <class F>
    void runSync(F f)
    {
        if (m_strand.running_in_this_thread() || m_io.stopped()) {
            f();
            return;
        }
        // The failure crosses threads as plain values and is thrown anew on the caller's thread:
        // an exception_ptr shared between threads is fine, but uninstrumented libstdc++ makes
        // ThreadSanitizer report its reference count.
        auto promise = std::make_shared<std::promise<SyncFailure>>();
        auto future = promise->get_future();
        asio::post(m_strand, [self = shared_from_this(), f = std::move(f), promise]() mutable {
            SyncFailure failure;
            try {
                f();
            } catch (const std::system_error& e) {
                failure = {SyncFailure::Kind::System, e.code(), e.what()};
            } catch (const std::logic_error& e) {
                failure = {SyncFailure::Kind::Logic, {}, e.what()};
            } catch (const std::exception& e) {
                failure = {SyncFailure::Kind::Other, {}, e.what()};
            }
            promise->set_value(std::move(failure));
        });
        if (m_io.get_executor().running_in_this_thread())
            return;
        if (future.wait_for(kSyncWait) == std::future_status::ready)
            future.get().raise();
    }

    void openAcceptor(std::uint16_t port)
    {
        const tcp::endpoint ep{asio::ip::address_v4::loopback(), port};
        beast::error_code ec;
        m_acceptor.open(ep.protocol(), ec);
        // reuse_address lets restore() bind the same port while killed connections sit in TIME_WAIT.
        if (!ec)
            m_acceptor.set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec)
            m_acceptor.bind(ep, ec);
        if (!ec)
            m_acceptor.listen(asio::socket_base::max_listen_connections, ec);
        if (ec) {
            beast::error_code ignored;
            m_acceptor.close(ignored);
            throw std::system_error(ec, "cannot listen on 127.0.0.1:" + std::to_string(port));
        }
        m_port = m_acceptor.local_endpoint().port();
    }

    /// On the strand: stop accepting and close every connection (waiting and in-service ones wake up).
    void closeAll()
    {
        ++m_acceptGeneration;
        beast::error_code ec;
        m_acceptor.close(ec);
        for (auto& [id, weak] : m_connections) {
            if (auto conn = weak.lock())
                closeConnection(*conn);
        }
    }

    static void closeConnection(Connection& conn)
    {
        if (conn.closed)
            return;
        conn.closed = true;
        beast::error_code ec;
        conn.socket.shutdown(tcp::socket::shutdown_both, ec);
        conn.socket.close(ec);
        conn.timer.cancel();
    }

    /// Closes the socket if the step now starting (a wait, read, write or drain) is still running
    /// `after` from now: it then ends with an error and the connection closes.
    static void armDeadline(const ConnectionPtr& conn, std::chrono::milliseconds after)
    {
        const std::uint32_t generation = ++conn->deadline;
        conn->timer.expires_after(after);
        conn->timer.async_wait(asio::bind_allocator(
            ExactAllocator<void>(), [weak = std::weak_ptr<Connection>(conn), generation](const beast::error_code& ec) {
                const ConnectionPtr c = ec ? nullptr : weak.lock();
                if (c && c->deadline == generation) {
                    beast::error_code ignored;
                    c->socket.close(ignored);
                }
            }));
    }

    static void disarmDeadline(Connection& conn)
    {
        ++conn.deadline; // an expiry already queued finds its generation stale
        conn.timer.cancel();
    }

    /// Lends a read buffer for one request.
    void borrowBuffer(Connection& conn)
    {
        if (conn.buffer.capacity() > 0)
            return;
        if (!m_spareBuffers.empty()) {
            conn.buffer = std::move(m_spareBuffers.back());
            m_spareBuffers.pop_back();
        }
        conn.buffer.max_size(kReadBufferLimit);
    }

    /// Takes the connection's read buffer back (it holds no bytes of a next request).
    void returnBuffer(Connection& conn)
    {
        beast::flat_buffer buffer = std::exchange(conn.buffer, beast::flat_buffer{});
        if (buffer.capacity() == 0 || buffer.capacity() > kMaxSpareCapacity || m_spareBuffers.size() >= kSpareBuffers)
            return;
        buffer.clear();
        m_spareBuffers.push_back(std::move(buffer));
    }

    /// Sessions expire even on a backend that gets no requests (a killed one included: time runs on).
    asio::awaitable<void> sweepLoop()
    {
        auto self = shared_from_this();
        while (!m_stopped) {
            m_sweepTimer.expires_after(kSweepInterval);
            co_await m_sweepTimer.async_wait(kAwait);
            if (m_stopped)
                co_return;
            m_handler.sessions().expire(Clock::now());
            m_sessions = static_cast<int>(m_handler.sessions().size());
        }
    }

    asio::awaitable<void> acceptLoop(std::uint64_t generation)
    {
        auto self = shared_from_this();
        for (;;) {
            auto [ec, socket] = co_await m_acceptor.async_accept(m_strand, kAwait);
            if (generation != m_acceptGeneration || m_stopped || ec == asio::error::operation_aborted)
                co_return;
            if (ec) {
                asio::steady_timer backoff(m_strand, kAcceptBackoff);
                co_await backoff.async_wait(kAwait);
                if (generation != m_acceptGeneration || m_stopped)
                    co_return;
                continue;
            }
            if (m_connections.size() >= kMaxConnections) {
                beast::error_code ignored;
                socket.close(ignored);
                continue;
            }
            auto conn = std::make_shared<Connection>(std::move(socket));
            conn->id = m_nextConnectionId++;
            m_connections.emplace(conn->id, conn);
            awaitRequest(std::move(conn));
        }
    }

    /// Between requests: no coroutine, parser or buffer, only a wait for the next request's first
    /// bytes, under the idle deadline (which also bounds reading that request, as one timeout did).
    void awaitRequest(ConnectionPtr conn)
    {
        armDeadline(conn, m_timeouts.idle);
        Connection::Socket& socket = conn->socket;
        socket.async_wait(tcp::socket::wait_read,
                          asio::bind_allocator(ExactAllocator<void>(), [self = shared_from_this(), conn = std::move(conn)](
                                                                           const beast::error_code& ec) mutable {
                              if (conn->closed || ec) {
                                  // Closed by kill()/stop(), or at the idle deadline.
                                  self->endConnection(*conn);
                                  return;
                              }
                              asio::co_spawn(self->m_strand, self->serve(std::move(conn)), asio::detached);
                          }));
    }

    /// The end of a connection that owes its client nothing more.
    void endConnection(Connection& conn)
    {
        disarmDeadline(conn);
        if (!conn.closed) {
            beast::error_code ignored;
            conn.socket.shutdown(tcp::socket::shutdown_send, ignored);
            conn.closed = true;
            conn.socket.close(ignored);
        }
        m_connections.erase(conn.id);
    }

    /// Reads and answers the request whose first bytes arrived (the idle deadline still runs), and the
    /// ones pipelined behind it, then goes back to waiting, or closes the connection.
    asio::awaitable<void> serve(ConnectionPtr conn)
    {
        auto self = shared_from_this();
        Connection& c = *conn;
        bool linger = false;
        for (;;) {
            borrowBuffer(c);
            http::request_parser<http::string_body> parser;
            parser.header_limit(kHeaderLimit);
            parser.body_limit(kBodyLimit);
            auto [ec, n] = co_await http::async_read(c.socket, c.buffer, parser, kAwait);
            disarmDeadline(c);
            if (c.closed)
                break;
            if (ec) {
                if (isParseError(ec)) {
                    const auto status = ec == http::error::body_limit ? http::status::payload_too_large
                        : ec == http::error::header_limit ? http::status::request_header_fields_too_large
                                                          : http::status::bad_request;
                    auto res = m_handler.badRequest(ec.message(), status);
                    armDeadline(conn, m_timeouts.write);
                    co_await http::async_write(c.socket, res, kAwait);
                    disarmDeadline(c);
                    linger = true;
                }
                break; // end_of_stream, timeout, reset: all normal ends of a connection
            }
            BackendRequest req = parser.release();
            std::optional<BackendResponse> res = co_await answer(c, req);
            if (!res || c.closed)
                break;
            const bool keepAlive = res->keep_alive();
            armDeadline(conn, m_timeouts.write);
            auto [wec, written] = co_await http::async_write(c.socket, *res, kAwait);
            disarmDeadline(c);
            if (wec || !keepAlive || c.closed)
                break;
            if (c.buffer.size() == 0) {
                returnBuffer(c);
                awaitRequest(std::move(conn));
                co_return;
            }
            // The next request's bytes came with this one (pipelining): read it now, in order.
            armDeadline(conn, m_timeouts.idle);
        }
        returnBuffer(c);
        if (!c.closed) {
            beast::error_code ignored;
            c.socket.shutdown(tcp::socket::shutdown_send, ignored);
            if (linger)
                co_await drain(conn);
            c.closed = true;
            c.socket.close(ignored);
        }
        m_connections.erase(c.id);
    }

    /// Reads and discards what a bad client still sends, so closing does not reset the connection
    /// before it has read our 400.
    asio::awaitable<void> drain(const ConnectionPtr& conn)
    {
        std::array<char, 4096> scratch;
        std::size_t total = 0;
        armDeadline(conn, m_timeouts.linger);
        while (!conn->closed && total < kLingerDrainLimit) {
            auto [ec, n] = co_await conn->socket.async_read_some(asio::buffer(scratch), kAwait);
            if (ec)
                break;
            total += n;
        }
        disarmDeadline(*conn);
    }

    /// Admission, simulated service time, then the answer; nullopt if the connection was closed meanwhile.
    asio::awaitable<std::optional<BackendResponse>> answer(Connection& conn, const BackendRequest& req)
    {
        if (routeOf(req) == BackendRoute::Health)
            co_return m_handler.handle(req, Clock::now()).response; // bypasses slots, stats and errors

        m_handler.recordPeer(req);
        m_distinctPeers = m_handler.distinctPeers();
        ++m_inFlight;
        if (m_inService < std::max(1, m_spec.capacity)) {
            ++m_inService;
        } else if (static_cast<int>(m_waiting.size()) < std::max(0, m_spec.queueLimit)) {
            conn.granted = false;
            m_waiting.push_back(&conn);
            conn.timer.expires_at(asio::steady_timer::time_point::max());
            co_await conn.timer.async_wait(kAwait); // ends by releaseSlot() or closeConnection()
            if (!conn.granted) {
                std::erase(m_waiting, &conn);
                --m_inFlight;
                co_return std::nullopt;
            }
            if (conn.closed) {
                releaseSlot();
                --m_inFlight;
                co_return std::nullopt;
            }
        } else {
            --m_inFlight;
            ++m_rejected;
            ++m_requests;
            auto res = m_handler.plain(req, http::status::service_unavailable, "queue full\n");
            res.set(http::field::retry_after, "1");
            co_return res;
        }

        conn.timer.expires_after(serviceTime());
        co_await conn.timer.async_wait(kAwait);
        releaseSlot();
        --m_inFlight;
        if (conn.closed)
            co_return std::nullopt;

        ++m_requests;
        if (m_errorRate > 0 && std::bernoulli_distribution(m_errorRate)(m_rng)) {
            ++m_errors;
            co_return m_handler.plain(req, http::status::internal_server_error, "injected error\n");
        }
        const BackendRoute route = routeOf(req);
        RequestHandler::Result result;
        if (m_redis && (route == BackendRoute::Login || route == BackendRoute::Account)) {
            result = co_await sharedSession(req, route);
            if (conn.closed)
                co_return std::nullopt;
        } else {
            result = m_handler.handle(req, Clock::now());
        }
        countStore(result);
        if (result.session == SessionOutcome::Hit)
            ++m_sessionHits;
        else if (lostSession(result.session))
            ++m_sessionMisses;
        m_sessions = static_cast<int>(m_handler.sessions().size());
        co_return m_handler.forBrowser(req, std::move(result)).response;
    }

    /// One Redis call as an awaitable; the reply resumes the coroutine from a fresh handler on the strand.
    asio::awaitable<RedisClient::Reply> redisCall(std::vector<std::string> args)
    {
        auto initiate = [this](auto handler, std::vector<std::string> command) {
            auto shared = std::make_shared<decltype(handler)>(std::move(handler));
            if (!m_redis) {
                RedisClient::Reply closed;
                closed.error = "closed";
                asio::post(m_strand, [shared, closed]() mutable { (*shared)(std::move(closed)); });
                return;
            }
            m_redis->command(std::move(command), [this, shared](RedisClient::Reply reply) {
                asio::post(m_strand, [shared, reply = std::move(reply)]() mutable { (*shared)(std::move(reply)); });
            });
        };
        co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(RedisClient::Reply)>(
            initiate, asio::use_awaitable, std::move(args));
    }

    /// A login or an account request under the shared store: the session is written to or read from
    /// Redis (its idle lifetime renewed), and the answer says what happened.
    asio::awaitable<RequestHandler::Result> sharedSession(const BackendRequest& req, BackendRoute route)
    {
        const std::string ttl = std::to_string(m_store.ttl.count());
        if (route == BackendRoute::Login) {
            const std::string id = m_handler.newSessionId();
            // Named first: GCC 12 fails on a braced list of strings inside a co_await expression.
            std::vector<std::string> set{"SET", "session:" + id, loginUser(req), "EX", ttl};
            const RedisClient::Reply reply = co_await redisCall(std::move(set));
            recordStoreCall(reply);
            if (reply.status == RedisClient::Reply::Status::Failed)
                co_return m_handler.storeUnavailable(req, reply.error);
            co_return m_handler.loggedIn(req, id);
        }
        const auto id = requestSessionId(req);
        if (!id)
            co_return m_handler.accountMissing(req, false);
        std::vector<std::string> getex{"GETEX", "session:" + *id, "EX", ttl};
        const RedisClient::Reply reply = co_await redisCall(std::move(getex));
        recordStoreCall(reply);
        switch (reply.status) {
        case RedisClient::Reply::Status::Ok: co_return m_handler.accountFound(req, *id);
        case RedisClient::Reply::Status::Nil: co_return m_handler.accountMissing(req, true);
        case RedisClient::Reply::Status::Failed: break;
        }
        co_return m_handler.storeUnavailable(req, reply.error);
    }

    void recordStoreCall(const RedisClient::Reply& reply)
    {
        if (m_store.meter)
            m_store.meter->record(static_cast<std::uint32_t>(std::clamp<std::int64_t>(reply.took.count(), 0, UINT32_MAX)),
                                  reply.status != RedisClient::Reply::Status::Failed);
    }

    /// Signed sessions: what checking or making the cookie cost, its size, and a refused one.
    void countStore(const RequestHandler::Result& result)
    {
        if (!m_store.meter || m_store.kind != SessionStoreKind::Client)
            return;
        if (result.storeUs)
            m_store.meter->record(*result.storeUs, true);
        if (result.tokenBytes)
            m_store.meter->recordToken(result.tokenBytes);
        if (result.session == SessionOutcome::Invalid)
            m_store.meter->recordInvalid();
    }

    /// Hands the slot to the oldest live waiter, or frees it.
    void releaseSlot()
    {
        while (!m_waiting.empty()) {
            Connection* next = m_waiting.front();
            m_waiting.pop_front();
            if (next->closed)
                continue; // it wakes on its own, sees no grant, and leaves
            next->granted = true;
            next->timer.cancel();
            return;
        }
        --m_inService;
    }

    std::chrono::steady_clock::duration serviceTime()
    {
        const double mean = m_serviceTimeMs;
        if (mean <= 0)
            return {};
        double ms = mean;
        if (m_spec.model == ServiceTimeModel::Exponential)
            ms = std::min(std::exponential_distribution<double>(1.0 / mean)(m_rng), mean * kMaxServiceFactor);
        return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double, std::milli>(ms));
    }

    asio::io_context& m_io;
    asio::strand<asio::io_context::executor_type> m_strand;
    const BackendSpec m_spec;
    std::atomic<double> m_errorRate;
    std::atomic<double> m_serviceTimeMs;
    tcp::acceptor m_acceptor;
    asio::steady_timer m_sweepTimer;
    Timeouts m_timeouts; ///< set before start(), read on the strand
    std::atomic<std::uint16_t> m_port{0};
    std::atomic<bool> m_started{false};
    std::atomic<bool> m_alive{false};

    // Strand-only state.
    bool m_stopped = false;
    std::uint64_t m_acceptGeneration = 0;
    RequestHandler m_handler;
    std::mt19937_64 m_rng;
    int m_inService = 0;
    std::deque<Connection*> m_waiting; ///< FIFO; bounded by queueLimit; entries outlive no coroutine
    std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> m_connections;
    std::uint64_t m_nextConnectionId = 1;
    std::vector<beast::flat_buffer> m_spareBuffers; ///< read buffers lent to requests, bounded by kSpareBuffers
    const SessionStoreLink m_store;
    std::unique_ptr<RedisClient> m_redis; ///< shared store only

    // Counters, written on the strand, read anywhere.
    std::atomic<std::uint64_t> m_requests{0};
    std::atomic<std::uint64_t> m_rejected{0};
    std::atomic<std::uint64_t> m_errors{0};
    std::atomic<std::uint64_t> m_sessionHits{0};
    std::atomic<std::uint64_t> m_sessionMisses{0};
    std::atomic<std::uint64_t> m_distinctPeers{0};
    std::atomic<int> m_inFlight{0};
    std::atomic<int> m_sessions{0};
};

BackendServer::BackendServer(asio::io_context& io, BackendSpec spec, std::uint64_t seed, SessionStoreLink store)
    : m_impl(std::make_shared<Impl>(io, std::move(spec), seed, std::move(store)))
{
}

BackendServer::~BackendServer()
{
    try {
        m_impl->stop();
    } catch (...) {
        // A destructor must not throw; stop() only fails if the io_context is already gone.
    }
}

void BackendServer::start(std::uint16_t port) { m_impl->start(port); }
void BackendServer::kill() { m_impl->kill(); }
void BackendServer::restore() { m_impl->restore(); }
void BackendServer::stop() { m_impl->stop(); }
void BackendServer::setTimeouts(Timeouts timeouts) { m_impl->setTimeouts(timeouts); }
void BackendServer::setErrorRate(double rate) { m_impl->setErrorRate(rate); }
void BackendServer::setServiceTimeMs(double ms) { m_impl->setServiceTimeMs(ms); }
const BackendSpec& BackendServer::spec() const { return m_impl->spec(); }
tcp::endpoint BackendServer::endpoint() const { return m_impl->endpoint(); }
bool BackendServer::alive() const { return m_impl->alive(); }
BackendStats BackendServer::stats() const { return m_impl->stats(); }

} // namespace lblab
