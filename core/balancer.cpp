#include "core/balancer.h"

#include "core/http/request_validator.h"
#include "core/ipv4.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace lblab {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kLingerBytes = 256 * 1024;
constexpr std::size_t kMaxClientIdLength = 64;
constexpr std::size_t kMaxCapturedPathLength = 2048;

std::chrono::steady_clock::duration seconds(double s)
{
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

bool isHopByHop(http::field f)
{
    switch (f) {
    case http::field::connection:
    case http::field::keep_alive:
    case http::field::proxy_connection:
    case http::field::te:
    case http::field::trailer:
    case http::field::transfer_encoding:
    case http::field::upgrade:
    case http::field::content_length: // set again by prepare_payload()
        return true;
    default:
        return false;
    }
}

bool isIdempotent(http::verb v)
{
    return v == http::verb::get || v == http::verb::head || v == http::verb::options ||
           v == http::verb::put || v == http::verb::delete_;
}

/// Ordinary ways for a client connection to end.
bool isNormalClose(const boost::system::error_code& ec)
{
    return ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
           ec == beast::error::timeout || ec == asio::error::connection_reset ||
           ec == asio::error::eof || ec == asio::error::broken_pipe;
}

Response plainResponse(unsigned status, const std::string& reason, unsigned version)
{
    Response res{static_cast<http::status>(status), version};
    res.set(http::field::server, "lblab");
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.set("X-LBLab-Error", reason);
    res.body() = std::to_string(status) + ' ' + std::string(http::obsolete_reason(static_cast<http::status>(status))) +
                 ": " + reason + "\n";
    res.prepare_payload();
    return res;
}

/// Method and target of a request line, bounded, for the capture of refused requests.
struct RequestLine {
    std::string method;
    std::string target;
};

RequestLine requestLine(std::string_view bytes)
{
    RequestLine out;
    const std::string_view line = bytes.substr(0, std::min(bytes.find("\r\n"), kMaxCapturedPathLength));
    const std::size_t sp = line.find(' ');
    out.method = std::string(line.substr(0, std::min<std::size_t>(sp, 16)));
    if (sp != std::string_view::npos) {
        std::string_view rest = line.substr(sp + 1);
        out.target = std::string(rest.substr(0, rest.find(' ')));
    }
    return out;
}

std::string formatSeconds(double s)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g s", s);
    return text;
}

/// One thread of the balancer: its io_context and its idle upstream connections.
struct Worker {
    asio::io_context io{1};   // declared first: destroyed last
    asio::executor_work_guard<asio::io_context::executor_type> guard{io.get_executor()};
    std::vector<std::vector<beast::tcp_stream>> idle; // by backend index; only touched on this thread
    std::thread thread;
};

/// The result of one attempt to forward a request upstream.
struct UpstreamResult {
    bool ok = false;
    bool connectFailed = false;   // the backend could not be reached at all
    bool dropped = false;         // the backend closed the connection before any byte of an answer
    unsigned status = 0;          // when !ok: the status to answer (502, 504)
    std::string reason;           // when !ok: why
    Response response;
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

    asio::awaitable<void> session(Worker& w, tcp::socket socket);
    asio::awaitable<ReadState> readHeader(beast::tcp_stream& stream, beast::flat_buffer& buffer, bool first,
                                          RequestVerdict& verdict, std::size_t& headerSize);
    asio::awaitable<void> refuse(beast::tcp_stream& stream, beast::flat_buffer& buffer, const RequestVerdict& verdict,
                                 const RequestLine* line, Ipv4 peer, TimePoint arrival);
    asio::awaitable<bool> handle(Worker& w, beast::tcp_stream& client, Request& req, Ipv4 peer, TimePoint arrival);
    asio::awaitable<UpstreamResult> forward(Worker& w, int backend, tcp::endpoint ep, Request& up);
    asio::awaitable<void> healthLoop(int index);
    asio::awaitable<bool> probe(tcp::endpoint ep);
    asio::awaitable<void> expiryLoop();

    Decision choose(const RequestView& view, tcp::endpoint& ep, std::string& backendName, std::string& policyId);
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
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;

    if (connections > options.maxConnections) {
        Response res = plainResponse(503, "the balancer has too many connections", 11);
        res.keep_alive(false);
        stream.expires_after(seconds(options.headerTimeoutSeconds));
        co_await http::async_write(stream, res, nothrow);
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        co_return;
    }

    bool first = true;
    for (;;) {
        RequestVerdict verdict;
        std::size_t headerSize = 0;
        const ReadState state = co_await readHeader(stream, buffer, first, verdict, headerSize);
        if (state == ReadState::Closed)
            break;
        const TimePoint arrival = Clock::now();
        if (state == ReadState::Silent) {
            // Connected but never sent a byte: answered, but there is no request to capture.
            co_await refuse(stream, buffer, verdict, nullptr, 0, {});
            co_return;
        }
        const auto line = requestLine(std::string_view(static_cast<const char*>(buffer.data().data()), buffer.size()));
        if (state == ReadState::Rejected) {
            co_await refuse(stream, buffer, verdict, &line, peer, arrival);
            co_return;
        }

        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(headerSize + 1));
        parser.body_limit(options.requestBodyLimit);
        boost::system::error_code ec;
        const std::size_t used = parser.put(asio::buffer(buffer.data().data(), headerSize), ec);
        buffer.consume(used);
        if (!ec && !parser.is_header_done())
            ec = http::error::partial_message;
        if (ec) {
            verdict = {ec == http::error::body_limit ? 413u : 400u, "malformed request: " + ec.message()};
            co_await refuse(stream, buffer, verdict, &line, peer, arrival);
            co_return;
        }
        verdict = RequestValidator::checkFields(parser.get().base());
        if (!verdict.ok()) {
            co_await refuse(stream, buffer, verdict, &line, peer, arrival);
            co_return;
        }
        if (!parser.is_done()) {
            stream.expires_after(seconds(options.headerTimeoutSeconds));
            auto [bec, bn] = co_await http::async_read(stream, buffer, parser, nothrow);
            if (bec) {
                if (bec == beast::error::timeout || isNormalClose(bec))
                    break; // the stream is closed already, or the client went away
                verdict = {bec == http::error::body_limit ? 413u : 400u, "malformed body: " + bec.message()};
                co_await refuse(stream, buffer, verdict, &line, peer, arrival);
                co_return;
            }
        }
        first = false;
        Request& req = parser.get();
        const bool keepAlive = co_await handle(w, stream, req, peer, arrival);
        if (!keepAlive || stopping)
            break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<Balancer::Impl::ReadState> Balancer::Impl::readHeader(beast::tcp_stream& stream,
                                                                      beast::flat_buffer& buffer, bool first,
                                                                      RequestVerdict& verdict, std::size_t& headerSize)
{
    // The header phase has its own deadline: tcp_stream's closes the socket on expiry, and a 408
    // needs it open. The handler only cancels the read; the shared state outlives this frame.
    struct Deadline {
        bool armed = true;
        bool fired = false;
        beast::tcp_stream* stream = nullptr;
    };
    auto dl = std::make_shared<Deadline>();
    dl->stream = &stream;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    auto arm = [&](double s) {
        timer.expires_after(seconds(s));
        timer.async_wait([dl](const boost::system::error_code& ec) {
            if (ec || !dl->armed)
                return;
            dl->fired = true;
            boost::system::error_code ignored;
            dl->stream->socket().cancel(ignored);
        });
    };
    struct Disarm {
        Deadline& d;
        ~Disarm() { d.armed = false; }
    } disarm{*dl};

    stream.expires_never();
    bool begun = buffer.size() > 0;
    arm(first || begun ? options.headerTimeoutSeconds : options.idleTimeoutSeconds);
    std::size_t scanned = 0;
    for (;;) {
        std::string_view bytes(static_cast<const char*>(buffer.data().data()), buffer.size());
        if (const std::size_t skip = RequestValidator::leadingEmptyLines(bytes); skip > 0) {
            buffer.consume(skip);
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
        auto [ec, n] = co_await stream.socket().async_read_some(buffer.prepare(4096), nothrow);
        if (ec) {
            if (!dl->fired || (!begun && !first))
                co_return ReadState::Closed; // gone, or an idle keep-alive connection: close quietly
            verdict = {408, "request headers not complete within " + formatSeconds(options.headerTimeoutSeconds)};
            co_return begun ? ReadState::Rejected : ReadState::Silent;
        }
        buffer.commit(n);
        if (!begun && n > 0) {
            begun = true;
            if (!first)
                arm(options.headerTimeoutSeconds); // a request started: it now has the header deadline
        }
    }
}

asio::awaitable<void> Balancer::Impl::refuse(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                             const RequestVerdict& verdict, const RequestLine* line, Ipv4 peer,
                                             TimePoint arrival)
{
    if (line) {
        // Recorded like any other answer, so the user sees what was refused and why.
        RequestEvent event;
        event.tUs = capture.sinceStartUs(arrival);
        event.clientIp = peer;
        event.clientId = "ext-" + formatIpv4(peer);
        event.method = line->method;
        event.path = line->target;
        {
            std::lock_guard lock(mutex);
            event.policy = std::string(policy->id());
        }
        event.decision = DecisionKind::NoBackend;
        event.backend = -1;
        event.status = verdict.status;
        capture.record(std::move(event));
    }
    Response res = plainResponse(verdict.status, verdict.reason, 11);
    res.keep_alive(false);
    stream.expires_after(seconds(std::min(options.headerTimeoutSeconds, 2.0)));
    auto [ec, n] = co_await http::async_write(stream, res, nothrow);
    if (ec)
        co_return;
    // Lingering close: read (and drop) what the client still sends for a moment, so closing with
    // unread data does not reset the connection before the client has read the answer.
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    std::size_t drained = 0;
    while (drained < kLingerBytes) {
        buffer.clear();
        auto [rec, rn] = co_await stream.async_read_some(buffer.prepare(16 * 1024), nothrow);
        if (rec)
            break;
        drained += rn;
    }
}

Decision Balancer::Impl::choose(const RequestView& view, tcp::endpoint& ep, std::string& backendName,
                                std::string& policyId)
{
    std::lock_guard lock(mutex);
    Decision d = policy->choose(view, infos);
    policyId = std::string(policy->id());
    if (d.backend >= 0 && d.backend < static_cast<int>(infos.size())) {
        ++infos[d.backend].active;
        ep = endpoints[d.backend];
        backendName = infos[d.backend].name;
    } else {
        d.backend = -1;
        d.kind = DecisionKind::NoBackend;
    }
    return d;
}

void Balancer::Impl::release(int backend)
{
    std::lock_guard lock(mutex);
    if (backend >= 0 && backend < static_cast<int>(infos.size()) && infos[backend].active > 0)
        --infos[backend].active;
}

asio::awaitable<bool> Balancer::Impl::handle(Worker& w, beast::tcp_stream& client, Request& req, Ipv4 peer,
                                             TimePoint arrival)
{
    RequestEvent event;
    event.tUs = capture.sinceStartUs(arrival);
    event.clientIp = peer;
    const auto clientHeader = req["X-LBLab-Client"];
    event.clientId = clientHeader.empty() ? "ext-" + formatIpv4(peer)
                                          : std::string(clientHeader.substr(0, kMaxClientIdLength));
    event.method = std::string(req.method_string());
    event.path = std::string(req.target().substr(0, kMaxCapturedPathLength));

    RequestView view;
    view.peer = peer;
    view.method = req.method_string();
    view.target = req.target();
    view.cookieHeader = req[http::field::cookie];
    view.regionHeader = req["X-Region"];
    view.now = arrival;

    // The upstream request: the client's, minus hop-by-hop headers, plus X-Forwarded-For.
    Request up{req.method(), req.target(), 11};
    std::string forwardedFor;
    for (const auto& field : req) {
        if (beast::iequals(field.name_string(), "X-Forwarded-For")) {
            forwardedFor = std::string(field.value()) + ", ";
            continue;
        }
        if (isHopByHop(field.name()))
            continue;
        if (field.name() == http::field::unknown)
            up.insert(field.name_string(), field.value());
        else
            up.insert(field.name(), field.value());
    }
    up.set("X-Forwarded-For", forwardedFor + formatIpv4(peer));
    up.body() = std::move(req.body());
    up.keep_alive(true);
    up.prepare_payload();

    tcp::endpoint ep;
    Decision decision = choose(view, ep, event.backendName, event.policy);
    UpstreamResult result;
    if (decision.backend < 0) {
        result.status = 503;
        result.reason = "no backend is available";
    } else {
        result = co_await forward(w, decision.backend, ep, up);
        // A backend that cannot be reached, or that dropped the connection without answering (it
        // died under load), has not answered: an idempotent request may safely go elsewhere.
        if (!result.ok && (result.connectFailed || (result.dropped && isIdempotent(req.method())))) {
            release(decision.backend);
            if (result.connectFailed)
                markBackend(decision.backend, false, "connection failed: " + result.reason);
            if (isIdempotent(req.method())) {
                // Retry once elsewhere: the policy now sees the failed backend as down.
                Decision retry = choose(view, ep, event.backendName, event.policy);
                if (retry.backend >= 0) {
                    if (retry.kind != DecisionKind::Repinned)
                        retry.kind = DecisionKind::Retried;
                    decision = std::move(retry);
                    result = co_await forward(w, decision.backend, ep, up);
                    if (!result.ok && result.connectFailed)
                        markBackend(decision.backend, false, "connection failed: " + result.reason);
                } else {
                    decision = std::move(retry);
                }
            } else {
                decision.backend = -1; // already released
            }
        }
    }

    Response res;
    if (result.ok) {
        res = std::move(result.response);
        std::vector<std::string_view> cookies;
        for (auto it = res.find(http::field::set_cookie); it != res.end() && it->name() == http::field::set_cookie; ++it)
            cookies.push_back(it->value());
        ResponseView rv{decision.backend, res.result_int(), cookies};
        {
            std::lock_guard lock(mutex);
            policy->observeResponse(view, decision, rv);
        }
        event.session = parseSessionOutcome(res["X-Session"]);
        for (auto f : {http::field::connection, http::field::keep_alive, http::field::transfer_encoding})
            res.erase(f);
    } else {
        res = plainResponse(result.status, result.reason, req.version());
        if (decision.backend >= 0)
            res.set("X-Backend", event.backendName);
    }
    if (!decision.setCookie.empty())
        res.insert(http::field::set_cookie, decision.setCookie);
    if (decision.backend >= 0)
        release(decision.backend);

    const bool keepAlive = req.keep_alive() && !stopping;
    res.version(req.version());
    res.keep_alive(keepAlive);
    res.prepare_payload();
    event.status = res.result_int();
    event.decision = decision.kind;
    event.backend = decision.backend;
    event.sessionKey = std::move(decision.key);

    // Recorded before the answer leaves, so a client never sees an answer the capture lacks.
    event.latencyUs = static_cast<std::uint32_t>(
        std::min<std::int64_t>(microsSince(arrival, Clock::now()), std::numeric_limits<std::uint32_t>::max()));
    capture.record(std::move(event));
    client.expires_after(seconds(options.upstreamTimeoutSeconds));
    auto [ec, n] = co_await http::async_write(client, res, nothrow);
    co_return keepAlive && !ec;
}

// ---- upstream side ----------------------------------------------------------------------------

asio::awaitable<UpstreamResult> Balancer::Impl::forward(Worker& w, int backend, tcp::endpoint ep, Request& up)
{
    if (w.idle.size() <= static_cast<std::size_t>(backend))
        w.idle.resize(backend + 1);
    auto& pool = w.idle[backend];
    std::string name;
    {
        std::lock_guard lock(mutex);
        name = infos[backend].name;
    }

    UpstreamResult result;
    for (int attempt = 0; attempt < 2; ++attempt) {
        const bool reused = !pool.empty();
        beast::tcp_stream stream = reused ? std::move(pool.back()) : beast::tcp_stream(w.io);
        if (reused)
            pool.pop_back();
        if (!reused) {
            stream.expires_after(seconds(options.connectTimeoutSeconds));
            auto [ec] = co_await stream.async_connect(ep, nothrow);
            if (ec) {
                result.connectFailed = true;
                result.status = ec == beast::error::timeout ? 504 : 502;
                result.reason = "cannot connect to " + name + ": " + ec.message();
                co_return result;
            }
            boost::system::error_code ignored;
            stream.socket().set_option(tcp::no_delay(true), ignored);
        }
        stream.expires_after(seconds(options.upstreamTimeoutSeconds));
        auto [wec, wn] = co_await http::async_write(stream, up, nothrow);
        if (wec) {
            if (reused) {
                pool.clear(); // one stale keep-alive connection means its siblings likely are too
                continue;     // try a fresh one
            }
            result.status = wec == beast::error::timeout ? 504 : 502;
            result.reason = "sending to " + name + " failed: " + wec.message();
            co_return result;
        }
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.header_limit(64 * 1024);
        parser.body_limit(options.responseBodyLimit);
        auto [rec, rn] = co_await http::async_read(stream, buffer, parser, nothrow);
        if (rec) {
            if (reused && rn == 0 && (rec == http::error::end_of_stream || rec == asio::error::connection_reset ||
                                      rec == asio::error::eof)) {
                pool.clear(); // the backend closed the idle connection before it saw the request
                continue;
            }
            result.dropped = rn == 0 && (rec == http::error::end_of_stream || rec == asio::error::connection_reset ||
                                         rec == asio::error::eof);
            result.status = rec == beast::error::timeout ? 504 : 502;
            result.reason = (rec == beast::error::timeout ? "timed out waiting for " : "bad answer from ") + name +
                            ": " + rec.message();
            co_return result;
        }
        result.ok = true;
        result.response = parser.release();
        if (result.response.keep_alive() && buffer.size() == 0 && pool.size() < options.idlePoolPerBackend) {
            stream.expires_never();
            pool.push_back(std::move(stream));
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

} // namespace lblab
