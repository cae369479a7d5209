#include "core/proxy/client_connection.h"

#include "core/http/wire_format.h"
#include "core/proxy/backend_registry.h"
#include "core/proxy/balancer_options.h"
#include "core/proxy/batched_write.h"
#include "core/proxy/draining_read.h"
#include "core/proxy/health_checker.h"
#include "core/proxy/proxy_services.h"
#include "core/proxy/proxy_wire.h"
#include "core/proxy/proxy_worker.h"
#include "core/proxy/request_recorder.h"
#include "core/proxy/watchdog.h"

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <tuple>
#include <utility>

namespace lblab {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using proxy_wire::nothrow;
using proxy_wire::kReadChunk;
using proxy_wire::twoBuffers;

namespace {

constexpr std::size_t kLingerBytes = 256 * 1024;
/// Room made for each read of a client's request bytes (a hot wait's read and readHeader's).
constexpr std::size_t kRequestReadSize = 4096;

} // namespace

ClientConnection::ClientConnection(ProxyWorker& worker, ProxySocket socket, Ipv4 peer)
    : m_worker(worker), m_socket(std::move(socket)), m_peer(peer)
{
    ++services().connections;
}

ProxyServices& ClientConnection::services() const
{
    return m_worker.services;
}

ClientConnection::~ClientConnection()
{
    m_worker.waiting.remove(hook());
    giveBack();
    --services().connections;
}

ExchangeState& ClientConnection::borrow()
{
    if (!m_x)
        m_x = m_worker.exchanges.take();
    return *m_x;
}

void ClientConnection::giveBack()
{
    if (!m_x)
        return;
    m_x->watch->disarm();
    m_worker.exchanges.give(std::move(m_x));
}

void ClientConnection::start(ProxyWorker& worker, ProxySocket socket)
{
    const ProxyServices& services = worker.services;
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    // Non-blocking from the start (Asio would switch it at the first wait).
    socket.non_blocking(true, ignored);
    const tcp::endpoint peerEndpoint = socket.remote_endpoint(ignored);
    const Ipv4 peer = peerEndpoint.address().is_v4() ? peerEndpoint.address().to_v4().to_uint() : 0;
    std::unique_ptr<ClientConnection> self(new ClientConnection(worker, std::move(socket), peer));
    self->m_firstDeadlineThenLastArrival = Clock::now() + proxy_wire::seconds(services.options.headerTimeoutSeconds);
    if (services.connections > services.options.maxConnections) {
        asio::co_spawn(worker.io, serve(std::move(self), Start::Busy), asio::detached);
        return;
    }
    wait(std::move(self));
}

void ClientConnection::waitExpired(IdleHook& waiting)
{
    boost::system::error_code ignored;
    static_cast<ClientConnection&>(waiting).m_socket.cancel(ignored);
}

void ClientConnection::wait(std::unique_ptr<ClientConnection> self)
{
    ClientConnection& c = *self;
    ProxyWorker& worker = c.m_worker;
    worker.waiting.add(c.hook(), c.m_first ? IdleConnections::Wait::FirstRequest : IdleConnections::Wait::NextRequest);
    // The wait's memory comes from the worker's block cache: exactly its size, reused.
    c.m_socket.async_wait(
        tcp::socket::wait_read,
        asio::bind_allocator(BlockCacheAllocator<void>(worker.waitBlocks),
                             [self = std::move(self)](const boost::system::error_code& ec) mutable {
                                 ClientConnection& c = *self;
                                 c.m_worker.waiting.remove(c.hook());
                                 if (!ec) {
                                     asio::co_spawn(c.m_worker.io, serve(std::move(self), Start::Bytes), asio::detached);
                                 } else if (c.hook().expired && c.m_first && !c.services().stopping) {
                                     // Connected but never sent a byte: answered (408), not captured.
                                     asio::co_spawn(c.m_worker.io, serve(std::move(self), Start::Silent), asio::detached);
                                 }
                                 // Otherwise closed, stopped, or kept alive past the idle limit:
                                 // destroying the connection closes it quietly.
                             }));
}

asio::awaitable<void> ClientConnection::serve(std::unique_ptr<ClientConnection> self, Start start)
{
    ClientConnection& c = *self;
    const BalancerOptions& options = c.services().options;
    boost::system::error_code ignored;
    if (start == Start::Busy) {
        ExchangeState& x = c.borrow();
        proxy_wire::beginPlainResponse(x.out, x.plainBody, 503, "the balancer has too many connections", 11);
        x.body = x.plainBody;
        proxy_wire::finishHead(x.out, 11, false, true, x.body.size());
        Watchdog::arm(x.watch, c.m_socket, options.headerTimeoutSeconds);
        co_await writeBatched(c.m_socket, x.out, x.body);
        x.watch->disarm();
        c.m_socket.shutdown(tcp::socket::shutdown_both, ignored);
        co_return;
    }
    if (start == Start::Silent) {
        RequestVerdict verdict{408, "request headers not complete within " + proxy_wire::formatSeconds(options.headerTimeoutSeconds)};
        co_await c.refuse(verdict, false, {});
        co_return;
    }
    for (;;) {
        RequestVerdict verdict;
        std::size_t headerSize = 0;
        const ReadState state = co_await c.readHeader(verdict, headerSize);
        if (state == ReadState::Closed) {
            c.m_socket.shutdown(tcp::socket::shutdown_send, ignored);
            co_return; // gone, or closed before a byte of the next request
        }
        const TimePoint arrival = Clock::now();
        if (state == ReadState::Silent) {
            // Connected but never sent a byte: answered, but there is no request to capture.
            co_await c.refuse(verdict, false, {});
            co_return;
        }
        if (state == ReadState::Rejected) {
            co_await c.refuse(verdict, true, arrival);
            co_return;
        }
        ExchangeState& x = *c.m_x;
        if (!x.request.parseRequest(x.in.data().substr(0, headerSize))) {
            // A named verdict: GCC 12 destroys a temporary bound to a coroutine's reference twice.
            verdict = {400, "malformed request: bad request line"};
            co_await c.refuse(verdict, true, arrival);
            co_return;
        }
        verdict = RequestValidator::checkFields(x.request);
        if (!verdict.ok()) {
            co_await c.refuse(verdict, true, arrival);
            co_return;
        }
        std::string_view body;
        std::size_t rawSize = headerSize;
        // Most requests have no body: no coroutine frame for them (Asio recycles only a few per thread).
        const bool hasBody = x.request.contentLengthFields > 0 || x.request.transferEncodingFields > 0;
        const BodyState bodyState = hasBody ? co_await c.readBody(headerSize, verdict, body, rawSize) : BodyState::Ok;
        if (bodyState == BodyState::Closed) {
            c.m_socket.shutdown(tcp::socket::shutdown_send, ignored);
            co_return; // the client went away in the middle of a request
        }
        if (bodyState == BodyState::Rejected) {
            co_await c.refuse(verdict, true, arrival);
            co_return;
        }
        // Requests close together make the connection busy: it waits hot for the next.
        const bool busy = !c.m_first && options.hotGraceSeconds > 0 &&
                          arrival - c.m_firstDeadlineThenLastArrival < proxy_wire::seconds(options.busyGapSeconds);
        c.m_first = false;
        c.m_firstDeadlineThenLastArrival = arrival;
        const bool keepAlive = co_await c.handle(body, arrival);
        c.m_x->in.consume(rawSize);
        if (!keepAlive || c.services().stopping) {
            c.m_socket.shutdown(tcp::socket::shutdown_send, ignored);
            co_return;
        }
        if (c.m_x->in.size() > 0)
            continue; // a pipelined request is already buffered
        if (busy) {
            const HotWait hot = co_await c.waitHot();
            if (hot == HotWait::Bytes)
                continue;
            if (hot == HotWait::Closed) {
                c.m_socket.shutdown(tcp::socket::shutdown_send, ignored);
                co_return;
            }
        }
        c.giveBack(); // nothing of a next request buffered: the buffers serve other connections
        break;
    }
    // Kept alive and nothing buffered: wait for the next request with nothing but the socket.
    wait(std::move(self));
}

asio::awaitable<ClientConnection::HotWait> ClientConnection::waitHot()
{
    ExchangeState& x = *m_x;
    m_worker.waiting.add(hook(), IdleConnections::Wait::Hot);
    const auto space = x.in.prepare(kRequestReadSize);
    const auto [ec, n] = co_await asyncReadDraining(m_socket, asio::buffer(space.data(), space.size()), nothrow);
    m_worker.waiting.remove(hook());
    if (!ec) {
        x.in.commit(n);
        co_return HotWait::Bytes;
    }
    co_return hook().expired && !services().stopping ? HotWait::Cooled : HotWait::Closed;
}

asio::awaitable<ClientConnection::ReadState> ClientConnection::readHeader(RequestVerdict& verdict,
                                                                          std::size_t& headerSize)
{
    const BalancerOptions& options = services().options;
    ExchangeState& x = borrow();
    // The header phase has its own deadline, and the watchdog only cancels the read: a 408 needs
    // the socket open. A first request's deadline counts from the connection's start.
    if (m_first)
        Watchdog::armAt(x.watch, m_socket, m_firstDeadlineThenLastArrival);
    else
        Watchdog::arm(x.watch, m_socket, options.headerTimeoutSeconds);
    WatchdogDisarm disarm{*x.watch};
    std::size_t scanned = 0;
    for (;;) {
        const std::string_view bytes = x.in.data();
        if (const std::size_t skip = RequestValidator::leadingEmptyLines(bytes); skip > 0) {
            x.in.consume(skip);
            scanned = 0;
            continue;
        }
        const HeaderScan scan = RequestValidator::scan(bytes, scanned);
        if (scan.state == HeaderScan::State::Complete) {
            headerSize = scan.size;
            co_return ReadState::Ok;
        }
        if (scan.state == HeaderScan::State::Rejected) {
            verdict = scan.verdict;
            co_return ReadState::Rejected;
        }
        scanned = bytes.size();
        const auto space = x.in.prepare(kRequestReadSize);
        boost::system::error_code ec;
        std::size_t n = 0;
        if (x.watch->fired) {
            // A deadline that passed while the previous read was completing cancelled nothing.
            ec = asio::error::operation_aborted;
        } else if (const auto buffer = asio::buffer(space.data(), space.size());
                   !tryReadNow(m_socket.native_handle(), buffer, ec, n)) {
            // Either bytes are waiting (the readiness wait saw them: no second trip through the
            // reactor) or this continues a request whose end of stream may have come with its bytes.
            std::tie(ec, n) = co_await asyncReadDraining(m_socket, buffer, nothrow);
        }
        if (ec) {
            const bool begun = x.in.size() > 0;
            if (!x.watch->fired || (!begun && !m_first))
                co_return ReadState::Closed; // gone, or closed before a byte of the next request
            verdict = {408, "request headers not complete within " + proxy_wire::formatSeconds(options.headerTimeoutSeconds)};
            co_return begun ? ReadState::Rejected : ReadState::Silent;
        }
        x.in.commit(n);
    }
}

asio::awaitable<ClientConnection::BodyState> ClientConnection::readBody(std::size_t headerSize, RequestVerdict& verdict,
                                                                        std::string_view& body, std::size_t& rawSize)
{
    const BalancerOptions& options = services().options;
    ExchangeState& x = *m_x;
    MessageHead& req = x.request;
    const bool chunked = req.transferEncodingFields > 0; // checkFields allows only a single "chunked"
    const std::uint64_t length = req.contentLengthFields > 0 ? req.contentLength : 0;
    rawSize = headerSize;
    body = {};
    if (!chunked && length == 0)
        co_return BodyState::Ok;
    if (!chunked && length > options.requestBodyLimit) {
        verdict = {413, "malformed request: body limit exceeded"};
        co_return BodyState::Rejected;
    }
    if (chunked) {
        x.requestBody.clear();
        x.chunks.reset(options.requestBodyLimit);
    }
    Watchdog::arm(x.watch, m_socket, options.headerTimeoutSeconds);
    WatchdogDisarm disarm{*x.watch};
    if (const std::string_view expect = req.find("Expect"); !expect.empty()) {
        // RFC 9110 10.1.1: 100-continue is the only expectation; the client waits for the interim
        // answer before it sends the body, so send it unless the body is already here.
        if (!iequals(expect, "100-continue")) {
            verdict = {417, "malformed request: unsupported expectation"};
            co_return BodyState::Rejected;
        }
        if (req.version >= 11 && x.in.size() == headerSize) {
            static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
            auto [ec, n] = co_await asio::async_write(m_socket, asio::buffer(kContinue.data(), kContinue.size()), nothrow);
            if (ec)
                co_return BodyState::Closed;
        }
    }
    for (;;) {
        if (chunked) {
            // Decoded bytes go to x.requestBody; their framing is cut out of the buffer, so the
            // request head stays at the front and the next request follows it directly.
            std::size_t used = 0;
            const auto r = x.chunks.feed(x.in.data().substr(headerSize), x.requestBody, used);
            x.in.erase(headerSize, used);
            if (r == ChunkedDecoder::Result::Done) {
                body = x.requestBody;
                co_return BodyState::Ok;
            }
            if (r == ChunkedDecoder::Result::Bad) {
                verdict = {400, std::string("malformed body: ") + x.chunks.error()};
                co_return BodyState::Rejected;
            }
            if (r == ChunkedDecoder::Result::TooLarge) {
                verdict = {413, "malformed body: body limit exceeded"};
                co_return BodyState::Rejected;
            }
        } else if (x.in.size() >= headerSize + length) {
            body = x.in.data().substr(headerSize, length);
            rawSize = headerSize + length;
            co_return BodyState::Ok;
        }
        const char* before = x.in.data().data();
        const std::size_t want = chunked ? kReadChunk : std::min<std::size_t>(length - (x.in.size() - headerSize), kReadChunk * 4);
        const auto space = x.in.prepare(want);
        x.request.rebase(before, x.in.data().data());
        if (x.watch->fired)
            co_return BodyState::Closed;
        const auto buffer = asio::buffer(space.data(), space.size());
        boost::system::error_code ec;
        std::size_t n = 0;
        if (!tryReadNow(m_socket.native_handle(), buffer, ec, n))
            std::tie(ec, n) = co_await asyncReadDraining(m_socket, buffer, nothrow);
        if (ec)
            co_return BodyState::Closed; // timed out, or the client went away
        x.in.commit(n);
    }
}

asio::awaitable<void> ClientConnection::refuse(const RequestVerdict& verdict, bool captured, TimePoint arrival)
{
    ExchangeState& x = borrow();
    if (captured) {
        const RequestRecorder& recorder = services().recorder;
        recorder.startRefusal(x.event, arrival, m_peer, x.in.data());
        services().registry.copyPolicyId(x.event.policy);
        recorder.recordRefusal(x.event, verdict.status);
    }
    proxy_wire::beginPlainResponse(x.out, x.plainBody, verdict.status, verdict.reason, 11);
    x.body = x.plainBody;
    proxy_wire::finishHead(x.out, 11, false, true, x.body.size());
    Watchdog::arm(x.watch, m_socket, std::min(services().options.headerTimeoutSeconds, 2.0));
    WatchdogDisarm disarm{*x.watch};
    auto [ec, n] = co_await writeBatched(m_socket, x.out, x.body);
    if (ec)
        co_return;
    // Lingering close: read (and drop) what the client still sends for a moment, so closing with
    // unread data does not reset the connection before the client has read the answer.
    boost::system::error_code ignored;
    m_socket.shutdown(tcp::socket::shutdown_send, ignored);
    std::size_t drained = 0;
    while (drained < kLingerBytes) {
        x.in.clear();
        const auto space = x.in.prepare(kReadChunk);
        const auto buffer = asio::buffer(space.data(), space.size());
        boost::system::error_code rec;
        std::size_t rn = 0;
        if (!tryReadNow(m_socket.native_handle(), buffer, rec, rn))
            std::tie(rec, rn) = co_await asyncReadDraining(m_socket, buffer, nothrow);
        if (rec)
            break;
        drained += rn;
    }
}

asio::awaitable<bool> ClientConnection::handle(std::string_view body, TimePoint arrival)
{
    ExchangeState& x = *m_x;
    BackendRegistry& registry = services().registry;
    const MessageHead& req = x.request;
    RequestEvent& event = x.event;
    const Ipv4 peer = m_peer;
    services().recorder.startRequest(event, arrival, peer, req);

    RequestView view;
    view.peer = peer;
    view.method = req.method;
    view.target = req.target;
    view.cookieHeader = req.find("Cookie");
    view.regionHeader = req.find("X-Region");
    view.now = arrival;

    proxy_wire::writeUpstreamHead(x.upstream.head(), req, peer, body.size());

    const bool idempotent = proxy_wire::isIdempotent(req.method);
    const bool headRequest = req.method == "HEAD";
    tcp::endpoint ep;
    Decision& decision = x.decision;
    registry.choose(view, decision, ep, event.backendName, event.policy);
    UpstreamResult result;
    if (decision.backend < 0) {
        result.status = 503;
        result.reason = "no backend is available";
    } else {
        result = co_await x.upstream.forward(x.watch, decision.backend, ep, event.backendName, headRequest, body);
        // A backend that cannot be reached, or that dropped the connection without answering (it
        // died under load), has not answered: an idempotent request may safely go elsewhere.
        if (!result.ok && (result.connectFailed || (result.dropped && idempotent))) {
            registry.release(decision.backend);
            if (result.connectFailed)
                services().health.connectFailed(decision.backend, result.reason);
            if (idempotent) {
                // Retry once elsewhere, never on the backend that just failed: one that dropped the
                // connection is not marked down yet, and a concurrent pick may not see the mark.
                Decision& retry = x.retry;
                const int failed = decision.backend;
                registry.choose(view, retry, ep, event.backendName, event.policy, failed);
                retry.reason.failed = failed;
                if (retry.backend >= 0) {
                    if (retry.kind != DecisionKind::Repinned)
                        retry.kind = DecisionKind::Retried;
                    std::swap(decision, retry); // both keep their buffers for the next request
                    result = co_await x.upstream.forward(x.watch, decision.backend, ep, event.backendName, headRequest, body);
                    if (!result.ok && result.connectFailed)
                        services().health.connectFailed(decision.backend, result.reason);
                } else {
                    std::swap(decision, retry);
                }
            } else {
                decision.backend = -1; // already released
            }
        }
    }

    const bool keepAlive = req.keepAlive() && !services().stopping;
    const unsigned version = req.version;
    unsigned status = 0;
    bool withLength = true;
    std::uint64_t length = 0;
    if (result.ok) {
        const MessageHead& res = x.upstream.response();
        x.body = x.upstream.body();
        status = res.status;
        x.cookies.clear();
        for (const auto& f : res.fields)
            if (iequals(f.name, "Set-Cookie"))
                x.cookies.push_back(f.value);
        ResponseView rv{decision.backend, status, x.cookies};
        registry.observeResponse(view, decision, rv);
        event.session = parseSessionOutcome(res.find("X-Session"));
        x.out.clear();
        wire::appendStatusLine(x.out, version, status, res.reason.empty() ? wire::reasonPhrase(status) : res.reason);
        for (const auto& f : res.fields)
            if (!proxy_wire::isHopByHop(f.name) && !res.namedByConnection(f.name))
                wire::appendField(x.out, f.name, f.value);
        if (status < 200 || status == 204 || status == 304) {
            withLength = false;
        } else if (headRequest) {
            // No body follows a HEAD answer; its Content-Length describes what a GET would get.
            withLength = res.contentLengthFields > 0;
            length = res.contentLength;
        } else {
            length = x.body.size();
        }
    } else {
        status = result.status;
        proxy_wire::beginPlainResponse(x.out, x.plainBody, status, result.reason, version);
        x.body = x.plainBody;
        if (decision.backend >= 0)
            wire::appendField(x.out, "X-Backend", event.backendName);
        length = x.body.size();
    }
    if (!decision.setCookie.empty())
        wire::appendField(x.out, "Set-Cookie", decision.setCookie);
    if (decision.backend >= 0)
        registry.release(decision.backend);
    proxy_wire::finishHead(x.out, version, keepAlive, withLength, length);

    // Recorded before the answer leaves, so a client never sees an answer the capture lacks.
    services().recorder.recordAnswer(event, status, decision, arrival);
    Watchdog::arm(x.watch, m_socket, services().options.upstreamTimeoutSeconds);
    auto [ec, n] = co_await writeBatched(m_socket, x.out, x.body);
    x.watch->disarm();
    x.upstream.trimBuffers();
    co_return keepAlive && !ec;
}

} // namespace lblab
