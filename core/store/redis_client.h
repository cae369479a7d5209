#pragma once

// The shared session store's client: one Redis connection, hiredis's async API on an Asio executor.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

struct redisAsyncContext;

namespace lblab {

/// One Redis connection over a UNIX socket, driven by hiredis's async API on an Asio executor.
/// Every call must be made on `executor` (a strand or a single-threaded io_context); every callback
/// runs there too, exactly once, at most `deadline` after the call. Callbacks are always posted, never
/// run inside command(), close() or hiredis, so a callback may issue further commands.
/// Destruction: a call still awaiting its reply when the destructor begins is dropped and its
/// callback never runs; a call already answered or failed (by close(), say) still gets its callback,
/// which touches nothing of the client. Destroy the client before its execution context.
/// hiredis 0.14 writes with write(2), which raises SIGPIPE on a dead server: the client blocks that
/// signal on its own thread around each write and discards the one it caused, so the process needs
/// no global SIG_IGN.
class RedisClient {
public:
    /// One reply, or why there is none.
    struct Reply {
        enum class Status : std::uint8_t { Ok, Nil, Failed };
        Status status = Status::Failed;
        std::string text;        ///< a string/status reply's text ("OK", the value)
        long long integer = 0;   ///< an integer reply (an array reply: its number of elements)
        std::string error;       ///< Failed: one line saying why ("timed out after 50 ms", "not connected: ...", the server's error)
        std::chrono::microseconds took{0}; ///< call to callback
        std::vector<std::string> elements; ///< an array reply's elements as text (a nil one as "", a nested array as "")
    };
    /// Receives the reply of one command.
    using Callback = std::function<void(Reply)>;

    /// At most this many calls await a reply; beyond, a call fails at once.
    static constexpr std::size_t kMaxPending = 4096;
    /// Connection attempts are at least this far apart; between them calls fail at once.
    static constexpr std::chrono::milliseconds kReconnectInterval{200};

    /// A client for the server on `socket`; it connects on the first command.
    RedisClient(boost::asio::any_io_executor executor, std::filesystem::path socket,
                std::chrono::milliseconds deadline = std::chrono::milliseconds(50));
    /// Closes the connection; pending calls are dropped without their callbacks (see the class comment).
    ~RedisClient();
    RedisClient(const RedisClient&) = delete;
    RedisClient& operator=(const RedisClient&) = delete;

    /// Sends one command (argv form: {"SET", key, value, "EX", "1800"}); connects first when not connected
    /// (reconnect attempts at most every kReconnectInterval; between attempts calls fail at once with
    /// "not connected: <reason>"). (P/S)SUBSCRIBE, their UNSUBSCRIBEs and MONITOR are refused: their
    /// replies do not pair one to one with calls.
    void command(std::vector<std::string> args, Callback done);
    /// Closes the connection; pending calls fail with "closed". The next command connects again at once.
    void close();
    /// True while a connection is established (not merely being opened).
    bool connected() const;
    /// Calls awaiting a reply (bounded: beyond kMaxPending a call fails at once with "too many pending calls").
    std::size_t pending() const;

private:
    using Clock = std::chrono::steady_clock;
    struct Call;
    struct Link;

    /// Opens a connection when an attempt is due; false (and m_lastError says why) otherwise.
    bool connect();
    /// Frees the connection on purpose: every pending call fails with `reason`.
    void drop(std::string reason);
    /// Runs `done` with a Failed reply saying `why`, from a fresh handler.
    void fail(Callback done, std::string why, Clock::time_point start);
    /// Posts `done(reply)` to the executor, measuring the time since `start` when it runs.
    void deliver(Callback done, Reply reply, Clock::time_point start);
    /// Starts the deadline timer for the oldest pending call, unless it runs already.
    void armDeadline();
    /// The deadline timer fired: the oldest call may have timed out.
    void onDeadline();
    /// hiredis let go of its context (it is being freed): forget it and its descriptor.
    void forget(redisAsyncContext* context);
    /// The error text of pending calls failed by hiredis itself (the connection failed or broke).
    std::string lostReason(const redisAsyncContext* context) const;
    /// hiredis's reason for a failed or broken connection.
    static std::string endedBecause(const redisAsyncContext* context);
    /// The text of a timed-out call.
    std::string timedOutText() const;

    /// hiredis's reply callback: `reply` is null when the context is being freed.
    static void onReply(redisAsyncContext* context, void* reply, void* privdata);
    /// hiredis's connect callback: records why a connection could not be established.
    static void onConnect(const redisAsyncContext* context, int status);

    boost::asio::any_io_executor m_executor;
    std::filesystem::path m_socket;
    std::chrono::milliseconds m_deadline;
    boost::asio::steady_timer m_timer;   ///< the oldest pending call's deadline
    bool m_timerArmed = false;
    redisAsyncContext* m_context = nullptr; ///< owned by hiredis once connected: it frees it on any error
    std::shared_ptr<Link> m_link;           ///< the context's descriptor and event hooks
    std::deque<std::unique_ptr<Call>> m_calls; ///< sent, awaiting a reply, oldest first
    std::string m_dropReason;   ///< while drop() frees the context: what its pending calls fail with
    std::string m_lastError;    ///< why the client is not connected
    Clock::time_point m_nextAttempt{}; ///< no connection attempt before this
    bool m_destroying = false;  ///< the destructor began: pending calls are dropped silently
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true); ///< false once destroyed (for the timer's handler)
};

} // namespace lblab
