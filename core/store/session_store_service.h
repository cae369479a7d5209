#pragma once

#include "core/backend/session_store_link.h"
#include "core/store/store_view.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace lblab {

class RedisClient;
class RedisServer;
class SessionSigner;
class StoreMeter;

/// The session store of one run: nothing to run (local), a real Redis child (shared) or a random
/// signing key (client); the meter every backend reports to; Kill and Restore of Redis; and a check
/// twice a second of whether Redis answers and how many keys it holds.
class SessionStoreService {
public:
    /// A line Redis printed (from its reader thread).
    using OutputHandler = std::function<void(const std::string& line)>;

    SessionStoreService(SessionStoreKind kind, OutputHandler onRedisOutput = {});
    ~SessionStoreService();
    SessionStoreService(const SessionStoreService&) = delete;
    SessionStoreService& operator=(const SessionStoreService&) = delete;

    /// Starts what the store needs; the check runs on `control` (single-threaded). Throws StoreError
    /// naming the problem when Redis is missing or does not start.
    void start(boost::asio::any_io_executor control);
    /// Stops the check and Redis; call it after nothing runs `control` any more.
    void stop();
    /// What each backend needs to reach the store.
    SessionStoreLink link() const;
    /// Where sessions live.
    SessionStoreKind kind() const { return m_kind; }
    /// True when the store is a process that can be killed (shared).
    bool killable() const { return m_kind == SessionStoreKind::Shared; }
    /// True while killed (until restore()).
    bool killed() const { return m_killed; }
    /// Kills Redis (SIGKILL: every session in it is lost). Throws std::logic_error unless shared.
    void kill();
    /// Starts Redis again, empty, on the same socket. Throws StoreError if it does not start.
    void restore();
    /// Ends a capture interval at `endUs`: the store's figures since the last one join the history.
    void closeInterval(std::int64_t endUs, double lengthSeconds);
    /// The store now, with the last `historyLimit` intervals (any thread).
    StoreView view(std::size_t historyLimit) const;
    /// The whole run's figures.
    StoreFigures figures() const;

private:
    void scheduleCheck();

    const SessionStoreKind m_kind;
    OutputHandler m_onRedisOutput;
    std::shared_ptr<StoreMeter> m_meter;
    std::shared_ptr<const SessionSigner> m_signer;
    std::unique_ptr<RedisServer> m_redis;
    std::unique_ptr<RedisClient> m_checker;          ///< on the control executor
    std::unique_ptr<boost::asio::steady_timer> m_checkTimer;
    std::atomic<bool> m_killed{false};
    std::atomic<bool> m_up{false};
    std::atomic<std::int64_t> m_keys{-1};
    mutable std::mutex m_historyMutex;
    std::deque<StoreInterval> m_history;             ///< bounded
    double m_opsPerSecond = 0;                       ///< under m_historyMutex
};

} // namespace lblab
