#include "core/proxy/balancer.h"

#include "core/http/chunked_decoder.h"
#include "core/http/message_head.h"
#include "core/http/read_buffer.h"
#include "core/http/request_validator.h"
#include "core/http/wire_format.h"
#include "core/base/ipv4.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <sys/socket.h>

namespace lblab {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Request = http::request<http::string_body>;

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kLingerBytes = 256 * 1024;
constexpr std::size_t kMaxClientIdLength = 64;
constexpr std::size_t kMaxCapturedPathLength = 2048;
constexpr std::size_t kUpstreamHeaderLimit = 64 * 1024;
constexpr std::size_t kReadChunk = 16 * 1024;
/// Per-connection buffers grow for large messages; above this they are given back afterwards.
constexpr std::size_t kKeptBufferBytes = 64 * 1024;

std::chrono::steady_clock::duration seconds(double s)
{
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

/// Fields a proxy must not forward upstream (RFC 9110 7.6.1), plus Content-Length, which the
/// balancer writes itself for the body it sends.
bool isHopByHop(std::string_view name)
{
    for (std::string_view hop : {"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer",
                                 "Transfer-Encoding", "Upgrade", "Content-Length"})
        if (iequals(name, hop))
            return true;
    return false;
}

bool isIdempotent(std::string_view method)
{
    return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "PUT" || method == "DELETE";
}

/// A message head and its body as one gather write (one writev, no copy of the body).
std::array<asio::const_buffer, 2> twoBuffers(std::string_view head, std::string_view body)
{
    return {asio::const_buffer(head.data(), head.size()), asio::const_buffer(body.data(), body.size())};
}

bool isEof(const boost::system::error_code& ec)
{
    return ec == asio::error::eof || ec == asio::error::connection_reset;
}

std::string formatSeconds(double s)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g s", s);
    return text;
}

/// Cancels a socket's pending operation when its deadline passes. One per client connection,
/// shared by the client socket and the upstream socket in use (a session does one thing at a
/// time). Lazy: arming only moves the deadline; the timer is re-armed only when the new deadline
/// is earlier than the pending wait, so a busy keep-alive connection costs about one timer wake-up
/// per timeout period instead of a timer operation per read and write.
struct Watchdog {
    explicit Watchdog(asio::io_context& io) : timer(io) {}

    asio::steady_timer timer;
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
    std::chrono::steady_clock::time_point pending = std::chrono::steady_clock::time_point::max();
    tcp::socket* target = nullptr;
    bool fired = false; ///< the last armed deadline passed and cancelled `target`

    static void arm(const std::shared_ptr<Watchdog>& self, tcp::socket& socket, double s)
    {
        self->target = &socket;
        self->fired = false;
        self->deadline = std::chrono::steady_clock::now() + seconds(s);
        if (self->deadline < self->pending)
            wait(self, self->deadline);
    }

    void disarm()
    {
        target = nullptr;
        deadline = std::chrono::steady_clock::time_point::max();
    }

    static void wait(const std::shared_ptr<Watchdog>& self, std::chrono::steady_clock::time_point at)
    {
        self->pending = at;
        self->timer.expires_at(at); // cancels the earlier wait, whose handler then sees an error
        self->timer.async_wait([self](const boost::system::error_code& ec) {
            if (ec)
                return;
            self->pending = std::chrono::steady_clock::time_point::max();
            if (!self->target || self->deadline == std::chrono::steady_clock::time_point::max())
                return;
            if (std::chrono::steady_clock::now() < self->deadline) {
                wait(self, self->deadline);
                return;
            }
            self->fired = true;
            boost::system::error_code ignored;
            self->target->cancel(ignored);
        });
    }
};

/// Everything one client connection reuses from request to request, so the steady state
/// allocates nothing: buffers keep their capacity, the event keeps its strings.
struct Connection {
    Connection(asio::io_context& io, tcp::socket s)
        : socket(std::move(s)), watch(std::make_shared<Watchdog>(io))
    {
        request.fields.reserve(32);
        response.fields.reserve(32);
        upstreamHead.reserve(2048);
        out.reserve(2048);
        cookies.reserve(8);
    }
    ~Connection()
    {
        watch->disarm();
        watch->timer.cancel(); // releases the handler's reference
    }

    tcp::socket socket;
    std::shared_ptr<Watchdog> watch;
    ReadBuffer in{kReadChunk};          ///< client bytes; the request head stays at its front while served
    MessageHead request;                ///< views into `in`
    std::string requestBody;            ///< a decoded chunked request body
    std::string upstreamHead;           ///< the request line and fields sent upstream
    ReadBuffer upstreamIn{kReadChunk};  ///< backend bytes
    MessageHead response;               ///< views into `upstreamIn`
    std::string responseBody;           ///< a decoded chunked response body
    std::string_view body;              ///< the response body to send (into upstreamIn, responseBody or plainBody)
    std::string plainBody;              ///< the text of a response the balancer makes itself
    ChunkedDecoder chunks;
    std::string out;                    ///< the response head sent to the client
    std::vector<std::string_view> cookies;
    RequestEvent event;
    Decision decision; ///< the policy's pick for the request being served (reused: no allocation)
    Decision retry;    ///< the pick for its one retry elsewhere
};

/// Clears an event for the next request without giving up its strings' capacity.
void resetEvent(RequestEvent& e)
{
    e.tUs = 0;
    e.clientId.clear();
    e.clientIp = 0;
    e.sessionKey.clear();
    e.method.clear();
    e.path.clear();
    e.policy.clear();
    e.decision = DecisionKind::NoBackend;
    e.backend = -1;
    e.backendName.clear();
    e.status = 0;
    e.latencyUs = 0;
    e.session = SessionOutcome::None;
}

/// The client id of an outside client: "ext-" and its address.
void assignExternalId(std::string& out, Ipv4 peer)
{
    out.assign("ext-");
    wire::appendIpv4(out, peer);
}

/// Formats a response the balancer makes itself (an error): head into `c.out`, text into
/// `c.plainBody`, and points `c.body` at it. Extra fields and Connection/Content-Length follow
/// with finishHead().
void beginPlainResponse(Connection& c, unsigned status, std::string_view reason, unsigned version)
{
    const std::string_view phrase = wire::reasonPhrase(status);
    c.plainBody.clear();
    wire::appendNumber(c.plainBody, status);
    c.plainBody += ' ';
    c.plainBody += phrase;
    c.plainBody += ": ";
    c.plainBody += reason;
    c.plainBody += '\n';
    c.body = c.plainBody;
    c.out.clear();
    wire::appendStatusLine(c.out, version, status, phrase);
    wire::appendField(c.out, "Server", "lblab");
    wire::appendField(c.out, "Content-Type", "text/plain; charset=utf-8");
    wire::appendField(c.out, "X-LBLab-Error", reason);
}

/// Ends a response head: Connection as the version needs it, Content-Length, the empty line.
void finishHead(std::string& out, unsigned version, bool keepAlive, bool withLength, std::uint64_t length)
{
    if (version >= 11 && !keepAlive)
        wire::appendField(out, "Connection", "close");
    else if (version < 11 && keepAlive)
        wire::appendField(out, "Connection", "keep-alive");
    if (withLength) {
        out += "Content-Length: ";
        wire::appendNumber(out, length);
        out += "\r\n";
    }
    out += "\r\n";
}

/// A kept-alive upstream connection waiting for its next request.
struct IdleConnection {
    tcp::socket socket;
    TimePoint since;
};

/// True when the peer has closed `socket` (or sent bytes nobody asked for, or it failed): an idle
/// connection in that state can only fail its next request and holds a descriptor until then.
bool idleConnectionBroken(tcp::socket& socket)
{
    char byte = 0;
    const ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
}

/// One thread of the balancer: its io_context and its idle upstream connections.
struct Worker {
    asio::io_context io{1};   // declared first: destroyed last
    asio::executor_work_guard<asio::io_context::executor_type> guard{io.get_executor()};
    // By backend index; only touched on this thread. A deque, because forward() keeps a reference
    // to its pool across suspensions while another request may grow this for a new backend (a
    // vector would move the pools: a use after free that ASan caught).
    std::deque<std::vector<IdleConnection>> idle;
    std::thread thread;
};

/// The result of one attempt to forward a request upstream. On success the answer is in the
/// connection (response head, body).
struct UpstreamResult {
    bool ok = false;
    bool connectFailed = false;   // the backend could not be reached at all
    bool dropped = false;         // the backend closed the connection before any byte of an answer
    unsigned status = 0;          // when !ok: the status to answer (502, 504)
    std::string reason;           // when !ok: why
};

struct Health {
    int successes = 0;
    int failures = 0;
};

} // namespace

class Balancer::Impl {
public:
    Impl(Options o, Capture& c) : options(std::move(o)), capture(c)
    {
        policy = PolicyCatalog::make(options.policy, options.policyOptions);
        if (!policy)
            throw std::runtime_error("unknown policy '" + options.policy + "' (see --list-policies)");
    }

    Options options;
    Capture& capture;
    std::vector<std::unique_ptr<Worker>> workers;
    std::unique_ptr<tcp::acceptor> acceptor;
    tcp::endpoint bound;
    std::atomic<bool> started{false};
    std::atomic<bool> stopping{false};
    std::atomic<std::size_t> connections{0};
    std::atomic<std::size_t> idleConnections{0}; // upstream, in every worker's pool
    std::size_t nextWorker = 0;

    mutable std::mutex mutex; // guards everything below
    std::vector<BackendInfo> infos;
    std::vector<tcp::endpoint> endpoints;
    std::vector<Health> health;
    std::unique_ptr<Policy> policy;

    void start();
    void stop();
    void spawnHealthCheck(int index);
    void markBackend(int index, bool up, const std::string& reason);

    asio::awaitable<void> acceptLoop();
    /// How reading a request's header block ended.
    enum class ReadState { Ok, Closed, Rejected, Silent };
    /// How reading a request's body ended.
    enum class BodyState { Ok, Closed, Rejected };

    asio::awaitable<void> session(Worker& w, tcp::socket socket);
    asio::awaitable<ReadState> readHeader(Connection& c, bool first, RequestVerdict& verdict, std::size_t& headerSize);
    asio::awaitable<BodyState> readBody(Connection& c, std::size_t headerSize, RequestVerdict& verdict,
                                        std::string_view& body, std::size_t& rawSize);
    asio::awaitable<void> refuse(Connection& c, const RequestVerdict& verdict, bool captured, Ipv4 peer,
                                 TimePoint arrival);
    asio::awaitable<bool> handle(Worker& w, Connection& c, std::string_view body, Ipv4 peer, TimePoint arrival);
    asio::awaitable<UpstreamResult> forward(Worker& w, Connection& c, int backend, tcp::endpoint ep,
                                            std::string_view body);
    asio::awaitable<void> healthLoop(int index);
    asio::awaitable<bool> probe(tcp::endpoint ep);
    asio::awaitable<void> expiryLoop();
    asio::awaitable<void> idleSweepLoop(Worker& w);
    void dropIdle(std::vector<IdleConnection>& pool);

    /// The policy's pick into `d`, counted as active on its backend; `ep` and the names filled for it.
    void choose(const RequestView& view, Decision& d, tcp::endpoint& ep, std::string& backendName,
                std::string& policyId);
    void release(int backend);
};

// ---- lifecycle -------------------------------------------------------------------------------

void Balancer::Impl::start()
{
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(options.listenAddress, ec);
    const std::string where = options.listenAddress + ':' + std::to_string(options.listenPort);
    if (ec)
        throw std::runtime_error("cannot listen on " + where + ": not an IP address");

    const int threads = std::max(1, options.ioThreads);
    for (int i = 0; i < threads; ++i)
        workers.push_back(std::make_unique<Worker>());

    acceptor = std::make_unique<tcp::acceptor>(workers[0]->io);
    const tcp::endpoint endpoint{address, options.listenPort};
    acceptor->open(endpoint.protocol(), ec);
    if (!ec)
        acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
        acceptor->bind(endpoint, ec);
    if (!ec)
        acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        acceptor.reset();
        workers.clear();
        throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
    }
    bound = acceptor->local_endpoint();

    asio::co_spawn(workers[0]->io, acceptLoop(), asio::detached);
    asio::co_spawn(workers[0]->io, expiryLoop(), asio::detached);
    for (auto& w : workers)
        asio::co_spawn(w->io, idleSweepLoop(*w), asio::detached);
    {
        std::lock_guard lock(mutex);
        for (int i = 0; i < static_cast<int>(infos.size()); ++i)
            if (!infos[i].removed)
                spawnHealthCheck(i);
    }
    started = true;
    for (auto& w : workers)
        w->thread = std::thread([io = &w->io] { io->run(); });
}

void Balancer::Impl::stop()
{
    if (!started.exchange(false))
        return;
    stopping = true;
    asio::post(workers[0]->io, [this] {
        boost::system::error_code ignored;
        acceptor->close(ignored);
    });
    for (auto& w : workers) {
        w->guard.reset();
        w->io.stop();
    }
    for (auto& w : workers)
        if (w->thread.joinable())
            w->thread.join();
    // Destroying the io_contexts destroys the suspended sessions and closes their sockets.
    acceptor.reset();
    workers.clear();
}

void Balancer::Impl::spawnHealthCheck(int index)
{
    if (!workers.empty())
        asio::co_spawn(workers[0]->io, healthLoop(index), asio::detached);
}

// ---- client side ------------------------------------------------------------------------------

asio::awaitable<void> Balancer::Impl::acceptLoop()
{
    for (;;) {
        Worker& w = *workers[nextWorker++ % workers.size()];
        auto [ec, socket] = co_await acceptor->async_accept(w.io.get_executor(), nothrow);
        if (stopping || ec == asio::error::operation_aborted)
            co_return;
        if (ec) {
            // Out of descriptors or a transient error: pause instead of spinning.
            asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(50));
            co_await timer.async_wait(nothrow);
            continue;
        }
        asio::co_spawn(w.io, session(w, std::move(socket)), asio::detached);
    }
}

asio::awaitable<void> Balancer::Impl::session(Worker& w, tcp::socket socket)
{
    struct Count {
        std::atomic<std::size_t>& n;
        explicit Count(std::atomic<std::size_t>& c) : n(c) { ++n; }
        ~Count() { --n; }
    } count(connections);

    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    const tcp::endpoint peerEndpoint = socket.remote_endpoint(ignored);
    const Ipv4 peer = peerEndpoint.address().is_v4() ? peerEndpoint.address().to_v4().to_uint() : 0;
    auto conn = std::make_unique<Connection>(w.io, std::move(socket));
    Connection& c = *conn;

    if (connections > options.maxConnections) {
        beginPlainResponse(c, 503, "the balancer has too many connections", 11);
        finishHead(c.out, 11, false, true, c.body.size());
        Watchdog::arm(c.watch, c.socket, options.headerTimeoutSeconds);
        co_await asio::async_write(c.socket, twoBuffers(c.out, c.body), nothrow);
        c.watch->disarm();
        c.socket.shutdown(tcp::socket::shutdown_both, ignored);
        co_return;
    }

    bool first = true;
    for (;;) {
        RequestVerdict verdict;
        std::size_t headerSize = 0;
        const ReadState state = co_await readHeader(c, first, verdict, headerSize);
        if (state == ReadState::Closed)
            break;
        const TimePoint arrival = Clock::now();
        if (state == ReadState::Silent) {
            // Connected but never sent a byte: answered, but there is no request to capture.
            co_await refuse(c, verdict, false, 0, {});
            co_return;
        }
        if (state == ReadState::Rejected) {
            co_await refuse(c, verdict, true, peer, arrival);
            co_return;
        }
        if (!c.request.parseRequest(c.in.data().substr(0, headerSize))) {
            // A named verdict: GCC 12 destroys a temporary bound to a coroutine's reference twice.
            verdict = {400, "malformed request: bad request line"};
            co_await refuse(c, verdict, true, peer, arrival);
            co_return;
        }
        verdict = RequestValidator::checkFields(c.request);
        if (!verdict.ok()) {
            co_await refuse(c, verdict, true, peer, arrival);
            co_return;
        }
        std::string_view body;
        std::size_t rawSize = headerSize;
        // Most requests have no body: no coroutine frame for them (Asio recycles only two per thread).
        const bool hasBody = c.request.contentLengthFields > 0 || c.request.transferEncodingFields > 0;
        const BodyState bodyState =
            hasBody ? co_await readBody(c, headerSize, verdict, body, rawSize) : BodyState::Ok;
        if (bodyState == BodyState::Closed)
            break;
        if (bodyState == BodyState::Rejected) {
            co_await refuse(c, verdict, true, peer, arrival);
            co_return;
        }
        first = false;
        const bool keepAlive = co_await handle(w, c, body, peer, arrival);
        c.in.consume(rawSize);
        if (c.in.capacity() > kKeptBufferBytes)
            c.in.shrink(kKeptBufferBytes);
        if (!keepAlive || stopping)
            break;
    }
    c.socket.shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<Balancer::Impl::ReadState> Balancer::Impl::readHeader(Connection& c, bool first,
                                                                      RequestVerdict& verdict, std::size_t& headerSize)
{
    // The header phase has its own deadline, and the watchdog only cancels the read: a 408 needs
    // the socket open.
    bool begun = c.in.size() > 0;
    Watchdog::arm(c.watch, c.socket, first || begun ? options.headerTimeoutSeconds : options.idleTimeoutSeconds);
    struct Disarm {
        Watchdog& d;
        ~Disarm() { d.disarm(); }
    } disarm{*c.watch};
    std::size_t scanned = 0;
    for (;;) {
        const std::string_view bytes = c.in.data();
        if (const std::size_t skip = RequestValidator::leadingEmptyLines(bytes); skip > 0) {
            c.in.consume(skip);
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
        const auto space = c.in.prepare(4096);
        // A deadline that passed while the previous read was completing cancelled nothing.
        auto [ec, n] = c.watch->fired ? std::tuple{boost::system::error_code(asio::error::operation_aborted), std::size_t{0}}
                                      : co_await c.socket.async_read_some(asio::buffer(space.data(), space.size()), nothrow);
        if (ec) {
            if (!c.watch->fired || (!begun && !first))
                co_return ReadState::Closed; // gone, or an idle keep-alive connection: close quietly
            verdict = {408, "request headers not complete within " + formatSeconds(options.headerTimeoutSeconds)};
            co_return begun ? ReadState::Rejected : ReadState::Silent;
        }
        c.in.commit(n);
        if (!begun && n > 0) {
            begun = true;
            if (!first) // a request started: it now has the header deadline
                Watchdog::arm(c.watch, c.socket, options.headerTimeoutSeconds);
        }
    }
}

asio::awaitable<Balancer::Impl::BodyState> Balancer::Impl::readBody(Connection& c, std::size_t headerSize,
                                                                    RequestVerdict& verdict, std::string_view& body,
                                                                    std::size_t& rawSize)
{
    MessageHead& req = c.request;
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
        c.requestBody.clear();
        c.chunks.reset(options.requestBodyLimit);
    }
    Watchdog::arm(c.watch, c.socket, options.headerTimeoutSeconds);
    struct Disarm {
        Watchdog& d;
        ~Disarm() { d.disarm(); }
    } disarm{*c.watch};
    if (const std::string_view expect = req.find("Expect"); !expect.empty()) {
        // RFC 9110 10.1.1: 100-continue is the only expectation; the client waits for the interim
        // answer before it sends the body, so send it unless the body is already here.
        if (!iequals(expect, "100-continue")) {
            verdict = {417, "malformed request: unsupported expectation"};
            co_return BodyState::Rejected;
        }
        if (req.version >= 11 && c.in.size() == headerSize) {
            static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
            auto [ec, n] = co_await asio::async_write(c.socket, asio::buffer(kContinue.data(), kContinue.size()), nothrow);
            if (ec)
                co_return BodyState::Closed;
        }
    }
    for (;;) {
        if (chunked) {
            // Decoded bytes go to requestBody; their framing is cut out of the buffer, so the
            // request head stays at the front and the next request follows it directly.
            std::size_t used = 0;
            const auto r = c.chunks.feed(c.in.data().substr(headerSize), c.requestBody, used);
            c.in.erase(headerSize, used);
            if (r == ChunkedDecoder::Result::Done) {
                body = c.requestBody;
                co_return BodyState::Ok;
            }
            if (r == ChunkedDecoder::Result::Bad) {
                verdict = {400, std::string("malformed body: ") + c.chunks.error()};
                co_return BodyState::Rejected;
            }
            if (r == ChunkedDecoder::Result::TooLarge) {
                verdict = {413, "malformed body: body limit exceeded"};
                co_return BodyState::Rejected;
            }
        } else if (c.in.size() >= headerSize + length) {
            body = c.in.data().substr(headerSize, length);
            rawSize = headerSize + length;
            co_return BodyState::Ok;
        }
        const char* before = c.in.data().data();
        const std::size_t want = chunked ? kReadChunk : std::min<std::size_t>(length - (c.in.size() - headerSize), kReadChunk * 4);
        const auto space = c.in.prepare(want);
        c.request.rebase(before, c.in.data().data());
        if (c.watch->fired)
            co_return BodyState::Closed;
        auto [ec, n] = co_await c.socket.async_read_some(asio::buffer(space.data(), space.size()), nothrow);
        if (ec)
            co_return BodyState::Closed; // timed out, or the client went away
        c.in.commit(n);
    }
}

asio::awaitable<void> Balancer::Impl::refuse(Connection& c, const RequestVerdict& verdict, bool captured, Ipv4 peer,
                                             TimePoint arrival)
{
    if (captured) {
        // Recorded like any other answer, so the user sees what was refused and why.
        RequestEvent& event = c.event;
        resetEvent(event);
        event.tUs = capture.sinceStartUs(arrival);
        event.clientIp = peer;
        assignExternalId(event.clientId, peer);
        // Method and target of the request line, bounded, even when it did not parse.
        const std::string_view bytes = c.in.data();
        const std::string_view line = bytes.substr(0, std::min(bytes.find("\r\n"), kMaxCapturedPathLength));
        const std::size_t sp = line.find(' ');
        event.method.assign(line.substr(0, std::min<std::size_t>(sp, 16)));
        if (sp != std::string_view::npos) {
            const std::string_view rest = line.substr(sp + 1);
            event.path.assign(rest.substr(0, rest.find(' ')));
        }
        {
            std::lock_guard lock(mutex);
            event.policy.assign(policy->id());
        }
        event.decision = DecisionKind::NoBackend;
        event.backend = -1;
        event.status = verdict.status;
        capture.record(event);
    }
    beginPlainResponse(c, verdict.status, verdict.reason, 11);
    finishHead(c.out, 11, false, true, c.body.size());
    Watchdog::arm(c.watch, c.socket, std::min(options.headerTimeoutSeconds, 2.0));
    struct Disarm {
        Watchdog& d;
        ~Disarm() { d.disarm(); }
    } disarm{*c.watch};
    auto [ec, n] = co_await asio::async_write(c.socket, twoBuffers(c.out, c.body), nothrow);
    if (ec)
        co_return;
    // Lingering close: read (and drop) what the client still sends for a moment, so closing with
    // unread data does not reset the connection before the client has read the answer.
    boost::system::error_code ignored;
    c.socket.shutdown(tcp::socket::shutdown_send, ignored);
    std::size_t drained = 0;
    while (drained < kLingerBytes) {
        c.in.clear();
        const auto space = c.in.prepare(kReadChunk);
        auto [rec, rn] = co_await c.socket.async_read_some(asio::buffer(space.data(), space.size()), nothrow);
        if (rec)
            break;
        drained += rn;
    }
}

void Balancer::Impl::choose(const RequestView& view, Decision& d, tcp::endpoint& ep, std::string& backendName,
                            std::string& policyId)
{
    std::lock_guard lock(mutex);
    policy->decide(view, infos, d);
    policyId.assign(policy->id());
    if (d.backend >= 0 && d.backend < static_cast<int>(infos.size())) {
        ++infos[d.backend].active;
        ep = endpoints[d.backend];
        backendName.assign(infos[d.backend].name);
    } else {
        d.backend = -1;
        d.kind = DecisionKind::NoBackend;
    }
}

void Balancer::Impl::release(int backend)
{
    std::lock_guard lock(mutex);
    if (backend >= 0 && backend < static_cast<int>(infos.size()) && infos[backend].active > 0)
        --infos[backend].active;
}

asio::awaitable<bool> Balancer::Impl::handle(Worker& w, Connection& c, std::string_view body, Ipv4 peer,
                                             TimePoint arrival)
{
    const MessageHead& req = c.request;
    RequestEvent& event = c.event;
    resetEvent(event);
    event.tUs = capture.sinceStartUs(arrival);
    event.clientIp = peer;
    const std::string_view clientHeader = req.find("X-LBLab-Client");
    if (clientHeader.empty())
        assignExternalId(event.clientId, peer);
    else
        event.clientId.assign(clientHeader.substr(0, kMaxClientIdLength));
    event.method.assign(req.method);
    event.path.assign(req.target.substr(0, kMaxCapturedPathLength));

    RequestView view;
    view.peer = peer;
    view.method = req.method;
    view.target = req.target;
    view.cookieHeader = req.find("Cookie");
    view.regionHeader = req.find("X-Region");
    view.now = arrival;

    // The upstream request, formatted once: the client's request line and fields minus hop-by-hop
    // ones, plus X-Forwarded-For and the length of the body it carries.
    std::string& up = c.upstreamHead;
    up.clear();
    up += req.method;
    up += ' ';
    up += req.target;
    up += " HTTP/1.1\r\n";
    std::string_view forwardedFor;
    bool hadForwardedFor = false;
    for (const auto& field : req.fields) {
        if (iequals(field.name, "X-Forwarded-For")) {
            forwardedFor = field.value;
            hadForwardedFor = true;
            continue;
        }
        // Expect was answered here (the body is already read): the backend must not send a 100.
        if (!isHopByHop(field.name) && !req.namedByConnection(field.name) && !iequals(field.name, "Expect"))
            wire::appendField(up, field.name, field.value);
    }
    up += "X-Forwarded-For: ";
    if (hadForwardedFor) {
        up += forwardedFor;
        up += ", ";
    }
    wire::appendIpv4(up, peer);
    up += "\r\n";
    if (!body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "OPTIONS") {
        up += "Content-Length: ";
        wire::appendNumber(up, body.size());
        up += "\r\n";
    }
    up += "\r\n";

    const bool idempotent = isIdempotent(req.method);
    tcp::endpoint ep;
    Decision& decision = c.decision;
    choose(view, decision, ep, event.backendName, event.policy);
    UpstreamResult result;
    if (decision.backend < 0) {
        result.status = 503;
        result.reason = "no backend is available";
    } else {
        result = co_await forward(w, c, decision.backend, ep, body);
        // A backend that cannot be reached, or that dropped the connection without answering (it
        // died under load), has not answered: an idempotent request may safely go elsewhere.
        if (!result.ok && (result.connectFailed || (result.dropped && idempotent))) {
            release(decision.backend);
            if (result.connectFailed)
                markBackend(decision.backend, false, "connection failed: " + result.reason);
            if (idempotent) {
                // Retry once elsewhere: the policy now sees the failed backend as down.
                Decision& retry = c.retry;
                choose(view, retry, ep, event.backendName, event.policy);
                if (retry.backend >= 0) {
                    if (retry.kind != DecisionKind::Repinned)
                        retry.kind = DecisionKind::Retried;
                    std::swap(decision, retry); // both keep their buffers for the next request
                    result = co_await forward(w, c, decision.backend, ep, body);
                    if (!result.ok && result.connectFailed)
                        markBackend(decision.backend, false, "connection failed: " + result.reason);
                } else {
                    std::swap(decision, retry);
                }
            } else {
                decision.backend = -1; // already released
            }
        }
    }

    const bool keepAlive = req.keepAlive() && !stopping;
    const unsigned version = req.version;
    unsigned status = 0;
    bool withLength = true;
    std::uint64_t length = 0;
    if (result.ok) {
        const MessageHead& res = c.response;
        status = res.status;
        c.cookies.clear();
        for (const auto& f : res.fields)
            if (iequals(f.name, "Set-Cookie"))
                c.cookies.push_back(f.value);
        ResponseView rv{decision.backend, status, c.cookies};
        {
            std::lock_guard lock(mutex);
            policy->observeResponse(view, decision, rv);
        }
        event.session = parseSessionOutcome(res.find("X-Session"));
        c.out.clear();
        wire::appendStatusLine(c.out, version, status, res.reason.empty() ? wire::reasonPhrase(status) : res.reason);
        for (const auto& f : res.fields)
            if (!isHopByHop(f.name) && !res.namedByConnection(f.name))
                wire::appendField(c.out, f.name, f.value);
        if (status < 200 || status == 204 || status == 304) {
            withLength = false;
        } else if (req.method == "HEAD") {
            // No body follows a HEAD answer; its Content-Length describes what a GET would get.
            withLength = res.contentLengthFields > 0;
            length = res.contentLength;
        } else {
            length = c.body.size();
        }
    } else {
        status = result.status;
        beginPlainResponse(c, status, result.reason, version);
        if (decision.backend >= 0)
            wire::appendField(c.out, "X-Backend", event.backendName);
        length = c.body.size();
    }
    if (!decision.setCookie.empty())
        wire::appendField(c.out, "Set-Cookie", decision.setCookie);
    if (decision.backend >= 0)
        release(decision.backend);
    finishHead(c.out, version, keepAlive, withLength, length);

    event.status = status;
    event.decision = decision.kind;
    event.backend = decision.backend;
    event.sessionKey.assign(decision.key);

    // Recorded before the answer leaves, so a client never sees an answer the capture lacks.
    event.latencyUs = static_cast<std::uint32_t>(
        std::min<std::int64_t>(microsSince(arrival, Clock::now()), std::numeric_limits<std::uint32_t>::max()));
    capture.record(event);
    Watchdog::arm(c.watch, c.socket, options.upstreamTimeoutSeconds);
    auto [ec, n] = co_await asio::async_write(c.socket, twoBuffers(c.out, c.body), nothrow);
    c.watch->disarm();
    if (c.upstreamIn.capacity() > kKeptBufferBytes)
        c.upstreamIn.shrink(kKeptBufferBytes);
    if (c.responseBody.capacity() > kKeptBufferBytes)
        std::string().swap(c.responseBody);
    co_return keepAlive && !ec;
}

// ---- upstream side ----------------------------------------------------------------------------

namespace {

/// How far a backend's answer in the buffer has come.
enum class AnswerState { NeedMore, Done, Bad, TooLarge };

/// Parses what `c.upstreamIn` holds of a backend's answer: the head first (interim 1xx answers
/// are skipped), then the body by its framing. `headSize` and `framing` carry the progress.
AnswerState parseAnswer(Connection& c, bool headRequest, std::size_t limit, std::size_t& headSize,
                        BodyFraming& framing, const char*& error)
{
    if (headSize == 0) {
        for (;;) {
            const std::string_view bytes = c.upstreamIn.data();
            const std::size_t end = bytes.find("\r\n\r\n");
            if (end == std::string_view::npos) {
                if (bytes.size() > kUpstreamHeaderLimit) {
                    error = "header limit exceeded";
                    return AnswerState::Bad;
                }
                return AnswerState::NeedMore;
            }
            if (end + 4 > kUpstreamHeaderLimit) {
                error = "header limit exceeded";
                return AnswerState::Bad;
            }
            if (!c.response.parseResponse(bytes.substr(0, end + 4))) {
                error = "malformed status line or header";
                return AnswerState::Bad;
            }
            const unsigned status = c.response.status;
            if (status >= 100 && status < 200 && status != 101) {
                c.upstreamIn.consume(end + 4); // an interim answer: the real one follows
                continue;
            }
            headSize = end + 4;
            const MessageHead& res = c.response;
            if (headRequest || status < 200 || status == 204 || status == 304) {
                framing = BodyFraming::None;
            } else if (res.transferEncodingFields > 0) {
                framing = res.chunked ? BodyFraming::Chunked : BodyFraming::UntilClose;
            } else if (res.contentLengthFields > 0) {
                if (!res.contentLengthValid) {
                    error = "bad Content-Length";
                    return AnswerState::Bad;
                }
                if (res.contentLength > limit)
                    return AnswerState::TooLarge;
                framing = BodyFraming::Length;
            } else {
                framing = BodyFraming::UntilClose;
            }
            if (framing == BodyFraming::Chunked) {
                c.responseBody.clear();
                c.chunks.reset(limit);
            }
            break;
        }
    }
    switch (framing) {
    case BodyFraming::None:
        c.body = {};
        return AnswerState::Done;
    case BodyFraming::Length:
        if (c.upstreamIn.size() < headSize + c.response.contentLength)
            return AnswerState::NeedMore;
        c.body = c.upstreamIn.data().substr(headSize, c.response.contentLength);
        return AnswerState::Done;
    case BodyFraming::Chunked: {
        std::size_t used = 0;
        const auto r = c.chunks.feed(c.upstreamIn.data().substr(headSize), c.responseBody, used);
        c.upstreamIn.erase(headSize, used);
        switch (r) {
        case ChunkedDecoder::Result::Done:
            c.body = c.responseBody;
            return AnswerState::Done;
        case ChunkedDecoder::Result::Bad:
            error = c.chunks.error();
            return AnswerState::Bad;
        case ChunkedDecoder::Result::TooLarge:
            return AnswerState::TooLarge;
        case ChunkedDecoder::Result::NeedMore:
            return AnswerState::NeedMore;
        }
        return AnswerState::NeedMore;
    }
    case BodyFraming::UntilClose:
        if (c.upstreamIn.size() - headSize > limit)
            return AnswerState::TooLarge;
        return AnswerState::NeedMore; // done only at end of stream
    }
    return AnswerState::NeedMore;
}

} // namespace

asio::awaitable<UpstreamResult> Balancer::Impl::forward(Worker& w, Connection& c, int backend, tcp::endpoint ep,
                                                        std::string_view body)
{
    if (w.idle.size() <= static_cast<std::size_t>(backend))
        w.idle.resize(backend + 1);
    auto& pool = w.idle[backend];
    const std::string& name = c.event.backendName; // set by choose() for this backend
    const bool headRequest = c.request.method == "HEAD";
    struct Disarm {
        Watchdog& d;
        ~Disarm() { d.disarm(); }
    } disarm{*c.watch};

    UpstreamResult result;
    for (int attempt = 0; attempt < 2; ++attempt) {
        const bool reused = !pool.empty();
        tcp::socket stream = reused ? std::move(pool.back().socket) : tcp::socket(w.io);
        if (reused) {
            pool.pop_back();
            --idleConnections;
        }
        if (!reused) {
            Watchdog::arm(c.watch, stream, options.connectTimeoutSeconds);
            auto [ec] = co_await stream.async_connect(ep, nothrow);
            if (ec) {
                result.connectFailed = true;
                result.status = c.watch->fired ? 504 : 502;
                result.reason = "cannot connect to " + name + ": " + (c.watch->fired ? "timed out" : ec.message());
                co_return result;
            }
            boost::system::error_code ignored;
            stream.set_option(tcp::no_delay(true), ignored);
        }
        Watchdog::arm(c.watch, stream, options.upstreamTimeoutSeconds);
        auto [wec, wn] =
            co_await asio::async_write(stream, twoBuffers(c.upstreamHead, body), nothrow);
        if (wec) {
            if (reused) {
                dropIdle(pool); // one stale keep-alive connection means its siblings likely are too
                continue;       // try a fresh one
            }
            const bool timedOut = c.watch->fired;
            result.status = timedOut ? 504 : 502;
            result.reason = "sending to " + name + " failed: " + (timedOut ? "timed out" : wec.message());
            co_return result;
        }

        c.upstreamIn.clear();
        std::size_t headSize = 0;
        std::size_t received = 0;
        BodyFraming framing = BodyFraming::None;
        const char* error = "";
        bool retry = false;
        for (;;) {
            const AnswerState state = parseAnswer(c, headRequest, options.responseBodyLimit, headSize, framing, error);
            if (state == AnswerState::Done)
                break;
            if (state == AnswerState::Bad || state == AnswerState::TooLarge) {
                result.status = 502;
                result.reason = "bad answer from " + name + ": " +
                                (state == AnswerState::TooLarge ? "body limit exceeded" : error);
                co_return result;
            }
            const char* before = c.upstreamIn.data().data();
            const auto space = c.upstreamIn.prepare(kReadChunk);
            c.response.rebase(before, c.upstreamIn.data().data());
            auto [rec, rn] = c.watch->fired
                                 ? std::tuple{boost::system::error_code(asio::error::operation_aborted), std::size_t{0}}
                                 : co_await stream.async_read_some(asio::buffer(space.data(), space.size()), nothrow);
            if (!rec) {
                c.upstreamIn.commit(rn);
                received += rn;
                continue;
            }
            if (rec == asio::error::eof && headSize > 0 && framing == BodyFraming::UntilClose) {
                c.body = c.upstreamIn.data().substr(headSize);
                break;
            }
            const bool timedOut = c.watch->fired;
            const bool closed = !timedOut && received == 0 && isEof(rec);
            if (reused && closed) {
                dropIdle(pool); // the backend closed the idle connection before it saw the request
                retry = true;
                break;
            }
            result.dropped = closed;
            result.status = timedOut ? 504 : 502;
            result.reason = (timedOut ? "timed out waiting for " : "bad answer from ") + name + ": " +
                            (timedOut ? "no complete answer within " + formatSeconds(options.upstreamTimeoutSeconds)
                                      : received == 0 ? rec.message() : "truncated answer (" + rec.message() + ")");
            co_return result;
        }
        if (retry)
            continue;
        c.watch->disarm();
        result.ok = true;
        const bool leftover = c.upstreamIn.size() > headSize + (framing == BodyFraming::Length
                                                                    ? c.response.contentLength
                                                                    : framing == BodyFraming::UntilClose
                                                                          ? c.upstreamIn.size()
                                                                          : 0);
        // Pooled only below both bounds: with many backends, per-backend pools alone could hold more
        // descriptors than the process may open.
        if (c.response.keepAlive() && framing != BodyFraming::UntilClose && !leftover &&
            pool.size() < options.idlePoolPerBackend && idleConnections.load() < options.idlePoolTotal) {
            pool.push_back({std::move(stream), Clock::now()});
            ++idleConnections;
        }
        co_return result;
    }
    result.status = 502;
    result.dropped = true;
    result.reason = "connection to " + name + " closed twice";
    co_return result;
}

void Balancer::Impl::markBackend(int index, bool up, const std::string& reason)
{
    std::string name;
    {
        std::lock_guard lock(mutex);
        if (index < 0 || index >= static_cast<int>(infos.size()) || infos[index].removed || infos[index].up == up)
            return;
        infos[index].up = up;
        health[index] = {};
        policy->backendsChanged(infos);
        name = infos[index].name;
    }
    capture.markTopologyChange();
    capture.recordLabEvent({capture.sinceStartUs(Clock::now()), up ? LabEventKind::ServerUp : LabEventKind::ServerDown,
                            name, reason});
}

asio::awaitable<bool> Balancer::Impl::probe(tcp::endpoint ep)
{
    beast::tcp_stream stream(co_await asio::this_coro::executor);
    stream.expires_after(seconds(options.healthCheck.timeoutSeconds));
    auto [ec] = co_await stream.async_connect(ep, nothrow);
    if (ec)
        co_return false;
    Request req{http::verb::get, "/health", 11};
    req.set(http::field::host, "lblab-health");
    req.keep_alive(false);
    auto [wec, wn] = co_await http::async_write(stream, req, nothrow);
    if (wec)
        co_return false;
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(4096);
    auto [rec, rn] = co_await http::async_read(stream, buffer, parser, nothrow);
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return !rec && parser.get().result() == http::status::ok;
}

asio::awaitable<void> Balancer::Impl::healthLoop(int index)
{
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        timer.expires_after(seconds(options.healthCheck.intervalSeconds));
        auto [ec] = co_await timer.async_wait(nothrow);
        if (ec || stopping)
            co_return;
        tcp::endpoint ep;
        {
            std::lock_guard lock(mutex);
            if (infos[index].removed)
                co_return;
            ep = endpoints[index];
        }
        const bool ok = co_await probe(ep);
        bool change = false;
        bool nowUp = false;
        {
            std::lock_guard lock(mutex);
            Health& h = health[index];
            if (ok) {
                h.failures = 0;
                ++h.successes;
                change = !infos[index].up && h.successes >= options.healthCheck.rise;
                nowUp = true;
            } else {
                h.successes = 0;
                ++h.failures;
                change = infos[index].up && h.failures >= options.healthCheck.fall;
                nowUp = false;
            }
        }
        if (change)
            markBackend(index, nowUp,
                        nowUp ? "health check passed " + std::to_string(options.healthCheck.rise) + " times"
                              : "health check failed " + std::to_string(options.healthCheck.fall) + " times");
    }
}

void Balancer::Impl::dropIdle(std::vector<IdleConnection>& pool)
{
    idleConnections -= pool.size();
    pool.clear();
}

asio::awaitable<void> Balancer::Impl::idleSweepLoop(Worker& w)
{
    // Backends close keep-alive connections they find idle (nginx after 75 s, ours after 30 s):
    // without a sweep, those sockets would sit half-closed in the pool, one descriptor each.
    asio::steady_timer timer(co_await asio::this_coro::executor);
    const auto limit = seconds(options.upstreamIdleSeconds);
    for (;;) {
        timer.expires_after(std::chrono::seconds(1));
        auto [ec] = co_await timer.async_wait(nothrow);
        if (ec || stopping)
            co_return;
        const TimePoint now = Clock::now();
        for (auto& pool : w.idle) {
            const std::size_t dropped = std::erase_if(pool, [&](IdleConnection& c) {
                return now - c.since > limit || idleConnectionBroken(c.socket);
            });
            idleConnections -= dropped;
        }
    }
}

asio::awaitable<void> Balancer::Impl::expiryLoop()
{
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        timer.expires_after(std::chrono::seconds(1));
        auto [ec] = co_await timer.async_wait(nothrow);
        if (ec || stopping)
            co_return;
        std::lock_guard lock(mutex);
        policy->expire(Clock::now());
    }
}

// ---- public ----------------------------------------------------------------------------------

Balancer::Balancer(Options options, Capture& capture) : m_impl(std::make_shared<Impl>(std::move(options), capture)) {}

Balancer::~Balancer() { stop(); }

void Balancer::start() { m_impl->start(); }

void Balancer::stop() { m_impl->stop(); }

boost::asio::ip::tcp::endpoint Balancer::endpoint() const { return m_impl->bound; }

int Balancer::addBackend(const std::string& name, const std::string& region, int weight,
                         const boost::asio::ip::tcp::endpoint& endpoint)
{
    int index = 0;
    {
        std::lock_guard lock(m_impl->mutex);
        BackendInfo info;
        info.name = name;
        info.region = region;
        info.weight = weight;
        m_impl->infos.push_back(info);
        m_impl->endpoints.push_back(endpoint);
        m_impl->health.emplace_back();
        m_impl->policy->backendsChanged(m_impl->infos);
        index = static_cast<int>(m_impl->infos.size()) - 1;
        if (m_impl->started)
            m_impl->spawnHealthCheck(index);
    }
    if (m_impl->started)
        m_impl->capture.markTopologyChange();
    return index;
}

void Balancer::removeBackend(int index)
{
    {
        std::lock_guard lock(m_impl->mutex);
        if (index < 0 || index >= static_cast<int>(m_impl->infos.size()) || m_impl->infos[index].removed)
            return;
        m_impl->infos[index].removed = true;
        m_impl->infos[index].up = false;
        m_impl->policy->backendsChanged(m_impl->infos);
    }
    m_impl->capture.markTopologyChange();
}

void Balancer::setDraining(int index, bool draining)
{
    std::lock_guard lock(m_impl->mutex);
    if (index < 0 || index >= static_cast<int>(m_impl->infos.size()))
        return;
    m_impl->infos[index].draining = draining;
    m_impl->policy->backendsChanged(m_impl->infos);
}

void Balancer::setWeight(int index, int weight)
{
    {
        std::lock_guard lock(m_impl->mutex);
        if (index < 0 || index >= static_cast<int>(m_impl->infos.size()))
            return;
        m_impl->infos[index].weight = std::max(0, weight);
        m_impl->policy->backendsChanged(m_impl->infos);
    }
    m_impl->capture.markTopologyChange();
}

void Balancer::markBackend(int index, bool up, const std::string& reason) { m_impl->markBackend(index, up, reason); }

std::optional<PinHandover> Balancer::setPolicy(const std::string& id)
{
    auto next = PolicyCatalog::make(id, m_impl->options.policyOptions);
    if (!next)
        return std::nullopt;
    std::string from;
    std::size_t pins = 0;
    PinHandover handover = PinHandover::Dropped;
    {
        std::lock_guard lock(m_impl->mutex);
        from = std::string(m_impl->policy->id());
        const auto rows = m_impl->policy->table(std::numeric_limits<std::size_t>::max());
        pins = rows.size();
        handover = next->adoptPins(from, rows);
        next->backendsChanged(m_impl->infos);
        m_impl->policy = std::move(next);
    }
    std::string detail = "from " + from;
    if (pins > 0) {
        const char* what = handover == PinHandover::Kept        ? "kept"
                           : handover == PinHandover::Converted ? "converted"
                                                                : "dropped";
        detail += "; " + std::to_string(pins) + " pins " + what;
    } else {
        detail += "; no pins to hand over";
    }
    m_impl->capture.markTopologyChange();
    m_impl->capture.recordLabEvent(
        {m_impl->capture.sinceStartUs(Clock::now()), LabEventKind::PolicySwitched, id, detail});
    return handover;
}

std::string Balancer::policyId() const
{
    std::lock_guard lock(m_impl->mutex);
    return std::string(m_impl->policy->id());
}

bool Balancer::policyStateful() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->policy->stateful();
}

std::vector<BalancerBackend> Balancer::backends() const
{
    std::lock_guard lock(m_impl->mutex);
    std::vector<BalancerBackend> out;
    out.reserve(m_impl->infos.size());
    for (std::size_t i = 0; i < m_impl->infos.size(); ++i)
        out.push_back({m_impl->infos[i], m_impl->endpoints[i]});
    return out;
}

std::vector<SessionEntry> Balancer::table(std::size_t limit) const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->policy->table(limit);
}

std::size_t Balancer::tableSize() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->policy->tableSize();
}

std::vector<std::optional<SessionEntry>> Balancer::lookup(const std::vector<std::string>& keys) const
{
    std::vector<std::optional<SessionEntry>> out;
    out.reserve(keys.size());
    std::lock_guard lock(m_impl->mutex);
    const bool stateful = m_impl->policy->stateful();
    for (const auto& key : keys)
        out.push_back(stateful && !key.empty() ? m_impl->policy->lookup(key) : std::nullopt);
    return out;
}

std::size_t Balancer::openConnections() const { return m_impl->connections; }

std::size_t Balancer::idleUpstreamConnections() const { return m_impl->idleConnections; }

} // namespace lblab
