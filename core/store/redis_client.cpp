#include "core/store/redis_client.h"

#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <string_view>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/un.h>

namespace lblab {

namespace {

/// Commands whose replies do not pair one to one with calls: hiredis 0.14 switches the context into
/// a mode we do not drive (pub/sub, monitor), or knows nothing of them (sharded pub/sub, Redis 7).
constexpr std::array<std::string_view, 7> kRefused{"subscribe",  "psubscribe",   "unsubscribe", "punsubscribe",
                                                   "ssubscribe", "sunsubscribe", "monitor"};

bool refused(const std::string& name)
{
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
    return std::find(kRefused.begin(), kRefused.end(), lower) != kRefused.end();
}

/// One element of an array reply as text.
std::string elementText(const redisReply& element)
{
    switch (element.type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR: return std::string(element.str, element.len);
    case REDIS_REPLY_INTEGER: return std::to_string(element.integer);
    default: return {};
    }
}

/// hiredis's reply as ours.
RedisClient::Reply convert(const redisReply& from)
{
    RedisClient::Reply reply;
    using Status = RedisClient::Reply::Status;
    switch (from.type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
        reply.status = Status::Ok;
        reply.text.assign(from.str, from.len);
        break;
    case REDIS_REPLY_INTEGER:
        reply.status = Status::Ok;
        reply.integer = from.integer;
        break;
    case REDIS_REPLY_NIL: reply.status = Status::Nil; break;
    case REDIS_REPLY_ARRAY:
        reply.status = Status::Ok;
        reply.integer = static_cast<long long>(from.elements);
        reply.elements.reserve(from.elements);
        for (std::size_t i = 0; i < from.elements; ++i)
            reply.elements.push_back(from.element[i] ? elementText(*from.element[i]) : std::string());
        break;
    case REDIS_REPLY_ERROR:
        reply.error.assign(from.str, from.len);
        if (reply.error.empty())
            reply.error = "the server answered with an empty error";
        break;
    default: reply.error = "an unknown reply type " + std::to_string(from.type); break;
    }
    return reply;
}

/// Blocks SIGPIPE on this thread for its lifetime and discards a SIGPIPE raised meanwhile (libpq's
/// way): hiredis 0.14 writes with write(2), not send(MSG_NOSIGNAL), so writing to a server that
/// died would otherwise kill the whole process.
class SigpipeGuard {
public:
    SigpipeGuard()
    {
        sigemptyset(&m_pipe);
        sigaddset(&m_pipe, SIGPIPE);
        ::pthread_sigmask(SIG_BLOCK, &m_pipe, &m_previous);
        sigset_t pending;
        sigemptyset(&pending);
        ::sigpending(&pending);
        m_wasPending = sigismember(&pending, SIGPIPE) == 1;
    }
    ~SigpipeGuard()
    {
        if (!m_wasPending) {
            sigset_t pending;
            sigemptyset(&pending);
            ::sigpending(&pending);
            if (sigismember(&pending, SIGPIPE) == 1) {
                const timespec now{0, 0};
                while (::sigtimedwait(&m_pipe, nullptr, &now) < 0 && errno == EINTR) {
                }
            }
        }
        ::pthread_sigmask(SIG_SETMASK, &m_previous, nullptr);
    }
    SigpipeGuard(const SigpipeGuard&) = delete;
    SigpipeGuard& operator=(const SigpipeGuard&) = delete;

private:
    sigset_t m_pipe;
    sigset_t m_previous;
    bool m_wasPending = false;
};

} // namespace

/// One call sent to hiredis; its address is hiredis's privdata for it.
struct RedisClient::Call {
    Callback done;
    Clock::time_point start;
    bool timedOut = false; ///< its deadline passed: it fails with "timed out" when hiredis lets go
};

/// The context's socket as an Asio descriptor, and hiredis's event hooks on it. hiredis owns the fd:
/// the descriptor is released (never closed) in the cleanup hook, before hiredis closes it. Each wait
/// holds the Link, so a handler that completes after hiredis freed the context finds `context` null
/// and does nothing.
struct RedisClient::Link : std::enable_shared_from_this<RedisClient::Link> {
    Link(const boost::asio::any_io_executor& executor, redisAsyncContext* context)
        : descriptor(executor), context(context)
    {
    }

    boost::asio::posix::stream_descriptor descriptor;
    redisAsyncContext* context; ///< null once hiredis let go of it
    bool wantRead = false;
    bool wantWrite = false;
    bool readArmed = false;
    bool writeArmed = false;

    /// hiredis wants to read: wait until the socket is readable (once; the hooks must be idempotent).
    void armRead()
    {
        wantRead = true;
        if (readArmed)
            return;
        readArmed = true;
        descriptor.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                              [self = shared_from_this()](const boost::system::error_code& ec) {
                                  self->readArmed = false;
                                  if (!self->context || ec == boost::asio::error::operation_aborted || !self->wantRead)
                                      return;
                                  // May free the context (a broken connection): cleanup() clears `context`.
                                  redisAsyncHandleRead(self->context);
                              });
    }

    /// hiredis has output (or awaits the connection): wait until the socket is writable.
    void armWrite()
    {
        wantWrite = true;
        if (writeArmed)
            return;
        writeArmed = true;
        descriptor.async_wait(boost::asio::posix::stream_descriptor::wait_write,
                              [self = shared_from_this()](const boost::system::error_code& ec) {
                                  self->writeArmed = false;
                                  if (!self->context || ec == boost::asio::error::operation_aborted || !self->wantWrite)
                                      return;
                                  SigpipeGuard guard;
                                  redisAsyncHandleWrite(self->context);
                              });
    }

    // hiredis's ev hooks; `data` is the Link. A stale wait left armed by delRead/delWrite is harmless:
    // its handler sees the flag down and does not call hiredis.
    static void addRead(void* data) { static_cast<Link*>(data)->armRead(); }
    static void delRead(void* data) { static_cast<Link*>(data)->wantRead = false; }
    static void addWrite(void* data) { static_cast<Link*>(data)->armWrite(); }
    static void delWrite(void* data) { static_cast<Link*>(data)->wantWrite = false; }
    static void cleanup(void* data)
    {
        auto* link = static_cast<Link*>(data);
        redisAsyncContext* context = link->context;
        link->context = nullptr;
        link->wantRead = link->wantWrite = false;
        boost::system::error_code ignored;
        link->descriptor.cancel(ignored);
        link->descriptor.release(); // hiredis closes the fd right after this hook
        // Last: this may destroy the Link when no wait holds it any more.
        if (context && context->data)
            static_cast<RedisClient*>(context->data)->forget(context);
    }
};

RedisClient::RedisClient(boost::asio::any_io_executor executor, std::filesystem::path socket,
                         std::chrono::milliseconds deadline)
    : m_executor(std::move(executor)), m_socket(std::move(socket)), m_deadline(deadline), m_timer(m_executor)
{
}

RedisClient::~RedisClient()
{
    *m_alive = false;
    m_destroying = true;
    if (m_context)
        redisAsyncFree(m_context); // runs onReply(null) for each pending call, which drops it silently
}

void RedisClient::command(std::vector<std::string> args, Callback done)
{
    const auto start = Clock::now();
    if (args.empty())
        return fail(std::move(done), "an empty command", start);
    if (args.size() > static_cast<std::size_t>(INT_MAX))
        return fail(std::move(done), "too many arguments", start);
    if (refused(args.front()))
        return fail(std::move(done), "unsupported command: " + args.front(), start);
    if (m_calls.size() >= kMaxPending)
        return fail(std::move(done), "too many pending calls", start);
    if (!m_context && !connect())
        return fail(std::move(done), "not connected: " + m_lastError, start);

    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (const std::string& arg : args) {
        argv.push_back(arg.data());
        lengths.push_back(arg.size());
    }
    auto call = std::make_unique<Call>();
    call->done = std::move(done);
    call->start = start;
    // hiredis only appends to its output buffer and asks for a write here: no callback runs inside.
    if (redisAsyncCommandArgv(m_context, &RedisClient::onReply, call.get(), static_cast<int>(args.size()), argv.data(),
                              lengths.data()) != REDIS_OK)
        return fail(std::move(call->done), "cannot send the command", start);
    m_calls.push_back(std::move(call));
    armDeadline();
}

void RedisClient::close()
{
    drop("closed");
    m_nextAttempt = {}; // closed on purpose, not refused: the next call may connect at once
}

bool RedisClient::connected() const
{
    return m_context && (m_context->c.flags & REDIS_CONNECTED) != 0;
}

std::size_t RedisClient::pending() const
{
    return m_calls.size();
}

bool RedisClient::connect()
{
    const auto now = Clock::now();
    if (now < m_nextAttempt)
        return false;
    m_nextAttempt = now + kReconnectInterval;
    const std::string path = m_socket.string();
    if (path.empty() || path.size() >= sizeof(sockaddr_un::sun_path)) {
        // hiredis 0.14 would silently truncate a long path.
        m_lastError = path.empty() ? "no socket path" : "the socket path is too long: " + path;
        return false;
    }
    redisAsyncContext* context = redisAsyncConnectUnix(path.c_str());
    if (!context) {
        m_lastError = "out of memory";
        return false;
    }
    if (context->err) {
        // The attempt failed at once (no such socket, nobody listening): no hooks yet, nothing pending.
        m_lastError = context->errstr;
        redisAsyncFree(context);
        return false;
    }
    // hiredis 0.14 opens UNIX sockets without SOCK_CLOEXEC; the lab starts child programs.
    ::fcntl(context->c.fd, F_SETFD, FD_CLOEXEC);
    auto link = std::make_shared<Link>(m_executor, context);
    boost::system::error_code ec;
    link->descriptor.assign(context->c.fd, ec);
    if (ec) {
        m_lastError = ec.message();
        redisAsyncFree(context); // no hooks attached: hiredis just closes its fd
        return false;
    }
    context->data = this;
    context->ev.data = link.get();
    context->ev.addRead = &Link::addRead;
    context->ev.delRead = &Link::delRead;
    context->ev.addWrite = &Link::addWrite;
    context->ev.delWrite = &Link::delWrite;
    context->ev.cleanup = &Link::cleanup;
    m_context = context;
    m_link = std::move(link);
    // Also asks for the first writable event, which is how hiredis learns the connection is up.
    redisAsyncSetConnectCallback(context, &RedisClient::onConnect);
    return true;
}

void RedisClient::drop(std::string reason)
{
    if (!m_context)
        return;
    m_dropReason = std::move(reason);
    // Never called from inside hiredis (callbacks are posted), so this frees at once: onReply(null)
    // for every pending call, then the cleanup hook, which clears m_context.
    redisAsyncFree(m_context);
    m_dropReason.clear();
}

void RedisClient::fail(Callback done, std::string why, Clock::time_point start)
{
    Reply reply;
    reply.error = std::move(why);
    deliver(std::move(done), std::move(reply), start);
}

void RedisClient::deliver(Callback done, Reply reply, Clock::time_point start)
{
    // Nothing of the client is captured: a delivery may run after the client is gone.
    boost::asio::post(m_executor, [done = std::move(done), reply = std::move(reply), start]() mutable {
        reply.took = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
        if (done)
            done(std::move(reply));
    });
}

void RedisClient::armDeadline()
{
    // The deadline is the same for every call and calls are answered in order, so only the oldest
    // pending call's deadline matters; one timer follows it.
    if (m_timerArmed || m_calls.empty())
        return;
    m_timerArmed = true;
    m_timer.expires_at(m_calls.front()->start + m_deadline);
    m_timer.async_wait([this, alive = m_alive](const boost::system::error_code& ec) {
        if (!*alive)
            return;
        m_timerArmed = false;
        if (ec != boost::asio::error::operation_aborted)
            onDeadline();
    });
}

void RedisClient::onDeadline()
{
    if (m_calls.empty())
        return;
    Call& oldest = *m_calls.front();
    if (Clock::now() < oldest.start + m_deadline)
        return armDeadline();
    // A server that does not answer in time is treated as stuck: every call on this connection
    // fails, and a later call connects afresh (when an attempt is due).
    oldest.timedOut = true;
    drop("connection dropped: a call timed out after " + std::to_string(m_deadline.count()) + " ms");
}

void RedisClient::forget(redisAsyncContext* context)
{
    if (context != m_context)
        return;
    // What later calls say while no attempt is due: "not connected: <this>".
    if (!m_dropReason.empty())
        m_lastError = m_dropReason;
    else if (!(context->c.flags & REDIS_CONNECTED))
        m_lastError = endedBecause(context);
    else
        m_lastError = "connection lost: " + endedBecause(context);
    m_context = nullptr;
    const auto keep = std::move(m_link); // the Link may die here, at the end of its own cleanup hook
}

std::string RedisClient::lostReason(const redisAsyncContext* context) const
{
    if (!m_dropReason.empty())
        return m_dropReason;
    if (!(context->c.flags & REDIS_CONNECTED))
        return "not connected: " + endedBecause(context);
    return "connection lost: " + endedBecause(context);
}

std::string RedisClient::endedBecause(const redisAsyncContext* context)
{
    return context->c.err && context->c.errstr[0] ? std::string(context->c.errstr) : "the connection ended";
}

std::string RedisClient::timedOutText() const
{
    return "timed out after " + std::to_string(m_deadline.count()) + " ms";
}

void RedisClient::onReply(redisAsyncContext* context, void* reply, void* privdata)
{
    auto* self = static_cast<RedisClient*>(context->data);
    const auto it = std::find_if(self->m_calls.begin(), self->m_calls.end(),
                                 [privdata](const std::unique_ptr<Call>& call) { return call.get() == privdata; });
    if (it == self->m_calls.end())
        return;
    std::unique_ptr<Call> call = std::move(*it);
    self->m_calls.erase(it);
    if (self->m_destroying)
        return;
    Reply result;
    if (call->timedOut)
        result.error = self->timedOutText();
    else if (!reply)
        result.error = self->lostReason(context);
    else
        result = convert(*static_cast<const redisReply*>(reply));
    self->deliver(std::move(call->done), std::move(result), call->start);
}

void RedisClient::onConnect(const redisAsyncContext* context, int status)
{
    auto* self = static_cast<RedisClient*>(context->data);
    if (status != REDIS_OK)
        self->m_lastError = context->c.err ? context->c.errstr : "the connection failed";
    else
        self->m_lastError.clear();
}

} // namespace lblab
