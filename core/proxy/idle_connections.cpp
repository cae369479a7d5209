#include "core/proxy/idle_connections.h"

#include "core/proxy/balancer_options.h"
#include "core/proxy/proxy_wire.h"

#include <algorithm>
#include <chrono>

namespace lblab {

namespace {

/// Deadlines are batched: the timer fires at most this often (a deadline may pass this much late).
constexpr auto kResolution = std::chrono::milliseconds(100);

} // namespace

IdleConnections::IdleConnections(boost::asio::io_context& io, const BalancerOptions& options, ExpireFn expire)
    : m_io(io), m_options(options), m_expire(expire)
{
}

void IdleConnections::add(IdleHook& hook, Wait wait)
{
    remove(hook);
    const double seconds = wait == Wait::FirstRequest ? m_options.headerTimeoutSeconds
                           : wait == Wait::NextRequest ? m_options.idleTimeoutSeconds
                                                       : m_options.hotGraceSeconds;
    hook.deadline = Clock::now() + proxy_wire::seconds(seconds);
    hook.expired = false;
    hook.list = static_cast<std::uint8_t>(wait);
    List& list = m_lists[hook.list];
    // Each list has one timeout, so a new deadline is the latest: appending keeps the order (a
    // clock that stepped back only makes a deadline fire a little early or late).
    hook.prev = list.tail;
    hook.next = nullptr;
    (list.tail ? list.tail->next : list.head) = &hook;
    list.tail = &hook;
    hook.linked = true;
    ++m_size;
    if (hook.deadline < m_timerAt)
        arm(hook.deadline);
}

void IdleConnections::remove(IdleHook& hook)
{
    if (!hook.linked)
        return;
    List& list = m_lists[hook.list];
    (hook.prev ? hook.prev->next : list.head) = hook.next;
    (hook.next ? hook.next->prev : list.tail) = hook.prev;
    hook.prev = hook.next = nullptr;
    hook.linked = false;
    --m_size;
}

void IdleConnections::close()
{
    m_closed = true;
    m_timer.reset();
    m_timerAt = TimePoint::min(); // never armed again
}

TimePoint IdleConnections::earliest() const
{
    TimePoint at = TimePoint::max();
    for (const List& list : m_lists)
        if (list.head)
            at = std::min(at, list.head->deadline);
    return at;
}

void IdleConnections::arm(TimePoint at)
{
    if (m_closed)
        return;
    if (!m_timer)
        m_timer.emplace(m_io);
    at = std::max(at, m_lastFired + kResolution);
    m_timerAt = at;
    m_timer->expires_at(at); // cancels a later pending wait, whose handler then sees an error
    m_timer->async_wait([this](const boost::system::error_code& ec) {
        if (!ec)
            onTimer();
    });
}

void IdleConnections::onTimer()
{
    const TimePoint now = Clock::now();
    m_lastFired = now;
    m_timerAt = TimePoint::max();
    for (List& list : m_lists)
        expireUntil(list, now);
    if (const TimePoint next = earliest(); next != TimePoint::max())
        arm(next);
}

void IdleConnections::expireUntil(List& list, TimePoint now)
{
    while (list.head && list.head->deadline <= now) {
        IdleHook& hook = *list.head;
        remove(hook);
        hook.expired = true;
        m_expire(hook);
    }
}

} // namespace lblab
