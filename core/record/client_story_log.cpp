#include "core/record/client_story_log.h"

#include <algorithm>
#include <limits>

namespace lblab {

namespace {

bool alike(const StoryEntry& entry, const RequestEvent& e)
{
    return entry.kind == StoryEntry::Kind::Requests && entry.ip == e.clientIp && entry.backend == e.backend &&
           entry.decision == e.decision && entry.session == e.session && entry.status / 100 == e.status / 100 &&
           entry.count < std::numeric_limits<std::uint32_t>::max();
}

} // namespace

ClientStoryLog::ClientStoryLog(std::size_t capacity) : m_capacity(std::max<std::size_t>(capacity, 2)) {}

std::size_t ClientStoryLog::slotFromNewest(std::size_t back) const
{
    // Before the ring is full m_oldest is 0 and the newest is the last element.
    return (m_oldest + m_entries.size() - 1 - back) % m_entries.size();
}

StoryEntry* ClientStoryLog::newest()
{
    return m_entries.empty() ? nullptr : &m_entries[slotFromNewest(0)];
}

const StoryEntry* ClientStoryLog::lastRequest() const
{
    for (std::size_t back = 0; back < m_entries.size(); ++back)
        if (const StoryEntry& entry = m_entries[slotFromNewest(back)]; entry.kind == StoryEntry::Kind::Requests)
            return &entry;
    return nullptr;
}

StoryEntry& ClientStoryLog::push(bool keepLastRequest)
{
    if (m_entries.size() < m_capacity) {
        // Grow by hand so a story never holds more room than its bound (push_back would double).
        if (m_entries.size() == m_entries.capacity())
            m_entries.reserve(std::min(m_capacity, std::max<std::size_t>(1, 2 * m_entries.size())));
        return m_entries.emplace_back();
    }
    // The oldest entry's place is refilled field by field: its strings keep their capacity.
    const std::size_t next = (m_oldest + 1) % m_capacity;
    if (keepLastRequest && lastRequest() == &m_entries[m_oldest]) {
        // Only address changes came after the last request: it stays, as the oldest, and the
        // oldest address change after it goes instead.
        std::swap(m_entries[m_oldest], m_entries[next]);
    }
    StoryEntry& entry = m_entries[m_oldest];
    m_oldest = next;
    ++m_dropped;
    return entry;
}

void ClientStoryLog::recordRequest(const RequestEvent& e)
{
    if (StoryEntry* last = newest(); last && alike(*last, e)) {
        // Requests are recorded as they complete, so times within an entry may come out of order.
        ++last->count;
        last->firstUs = std::min(last->firstUs, e.tUs);
        last->lastUs = std::max(last->lastUs, e.tUs);
        last->status = e.status;
        last->sessionKey = e.sessionKey;
        last->reason = e.reason;
        last->why = e.why;
        return;
    }
    StoryEntry& entry = push(false);
    entry.kind = StoryEntry::Kind::Requests;
    entry.firstUs = e.tUs;
    entry.lastUs = e.tUs;
    entry.count = 1;
    entry.ip = e.clientIp;
    entry.fromIp = 0;
    entry.backend = e.backend;
    entry.decision = e.decision;
    entry.session = e.session;
    entry.status = e.status;
    entry.sessionKey = e.sessionKey;
    entry.reason = e.reason;
    entry.why = e.why;
}

void ClientStoryLog::recordIpChange(Ipv4 from, Ipv4 to, std::int64_t tUs)
{
    StoryEntry& entry = push(true);
    entry.kind = StoryEntry::Kind::IpChange;
    entry.firstUs = tUs;
    entry.lastUs = tUs;
    entry.count = 1;
    entry.ip = to;
    entry.fromIp = from;
    entry.backend = -1;
    entry.decision = DecisionKind::NoBackend;
    entry.session = SessionOutcome::None;
    entry.status = 0;
    entry.sessionKey.clear();
    entry.reason = DecisionReason{};
    entry.why.clear();
}

void ClientStoryLog::fill(ClientStory& out) const
{
    out.entries.clear();
    out.entries.reserve(m_entries.size());
    for (std::size_t i = 0; i < m_entries.size(); ++i)
        out.entries.push_back(m_entries[(m_oldest + i) % m_entries.size()]);
    out.droppedEntries = m_dropped;
}

} // namespace lblab
