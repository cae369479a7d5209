#include "core/store/session_store_service.h"

#include "core/store/redis_client.h"
#include "core/store/redis_server.h"
#include "core/store/session_signer.h"
#include "core/store/store_error.h"
#include "core/store/store_meter.h"

#include <algorithm>
#include <optional>
#include <regex>
#include <stdexcept>

namespace lblab {

namespace {
constexpr auto kCheckInterval = std::chrono::milliseconds(500);
constexpr auto kCheckDeadline = std::chrono::milliseconds(250);
constexpr std::size_t kMaxHistory = 2400; // as many intervals as the capture keeps for snapshots

/// Redis's log line without its "PID:ROLE DD Mon YYYY HH:MM:SS.mmm X " prefix, or nullopt for a line
/// the event log should not carry (the memory-overcommit warning: it concerns background saves,
/// which the lab's Redis never makes).
std::optional<std::string> tidyRedisLine(const std::string& line)
{
    if (line.find("Memory overcommit must be enabled") != std::string::npos)
        return std::nullopt;
    static const std::regex prefix(R"(^\d+:[A-Za-z] \d{1,2} \w{3} \d{4} [\d:.]+ [#*.-] )");
    std::smatch m;
    if (std::regex_search(line, m, prefix))
        return line.substr(static_cast<std::size_t>(m.length(0)));
    return line;
}
} // namespace

SessionStoreService::SessionStoreService(SessionStoreKind kind, OutputHandler onRedisOutput)
    : m_kind(kind), m_onRedisOutput(std::move(onRedisOutput)), m_meter(std::make_shared<StoreMeter>())
{
}

SessionStoreService::~SessionStoreService()
{
    stop();
}

void SessionStoreService::start(boost::asio::any_io_executor control)
{
    switch (m_kind) {
    case SessionStoreKind::Local:
        return;
    case SessionStoreKind::Client:
        m_signer = std::make_shared<SessionSigner>(SessionSigner::withRandomKey());
        m_up = true;
        return;
    case SessionStoreKind::Shared:
        m_redis = std::make_unique<RedisServer>([out = m_onRedisOutput](const std::string& line) {
            if (!out)
                return;
            if (auto tidy = tidyRedisLine(line))
                out(*tidy);
        });
        m_redis->start();
        m_up = true;
        m_checker = std::make_unique<RedisClient>(control, m_redis->socketPath(), kCheckDeadline);
        m_checkTimer = std::make_unique<boost::asio::steady_timer>(control);
        scheduleCheck();
        return;
    }
}

void SessionStoreService::scheduleCheck()
{
    m_checkTimer->expires_after(kCheckInterval);
    m_checkTimer->async_wait([this](const boost::system::error_code& ec) {
        if (ec || !m_checker)
            return;
        m_checker->command({"DBSIZE"}, [this](RedisClient::Reply reply) {
            const bool ok = reply.status == RedisClient::Reply::Status::Ok;
            m_up = ok && !m_killed;
            m_keys = ok ? reply.integer : -1;
        });
        scheduleCheck();
    });
}

void SessionStoreService::stop()
{
    if (m_checkTimer)
        m_checkTimer->cancel();
    m_checkTimer.reset();
    m_checker.reset();
    if (m_redis)
        m_redis->stop();
    m_up = false;
}

SessionStoreLink SessionStoreService::link() const
{
    SessionStoreLink link;
    link.kind = m_kind;
    link.signer = m_signer;
    link.meter = m_meter;
    if (m_redis)
        link.redisSocket = m_redis->socketPath();
    return link;
}

void SessionStoreService::kill()
{
    if (!m_redis)
        throw std::logic_error("only the shared store (Redis) can be killed; sessions are stored " +
                               std::string(SessionStoreCatalog::displayName(m_kind)));
    m_killed = true;
    m_up = false;
    m_keys = -1;
    m_redis->kill();
}

void SessionStoreService::restore()
{
    if (!m_redis)
        throw std::logic_error("only the shared store (Redis) can be restored");
    if (!m_killed)
        return;
    m_redis->restore();
    m_killed = false;
    m_up = true;
    m_keys = 0;
}

void SessionStoreService::closeInterval(std::int64_t endUs, double lengthSeconds)
{
    const StoreFigures f = m_meter->takeInterval();
    std::lock_guard lock(m_historyMutex);
    m_history.push_back({endUs, f.ops, f.errors, f.p50Us, f.p99Us});
    while (m_history.size() > kMaxHistory)
        m_history.pop_front();
    m_opsPerSecond = lengthSeconds > 0 ? static_cast<double>(f.ops) / lengthSeconds : 0;
}

StoreView SessionStoreService::view(std::size_t historyLimit) const
{
    StoreView v;
    v.kind = m_kind;
    v.up = m_up;
    v.killed = m_killed;
    v.keys = m_keys;
    v.run = m_meter->figures();
    std::lock_guard lock(m_historyMutex);
    v.opsPerSecond = m_opsPerSecond;
    const std::size_t n = std::min(historyLimit, m_history.size());
    v.history.assign(m_history.end() - static_cast<std::ptrdiff_t>(n), m_history.end());
    return v;
}

StoreFigures SessionStoreService::figures() const
{
    return m_meter->figures();
}

} // namespace lblab
