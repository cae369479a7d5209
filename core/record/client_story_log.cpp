#include "core/record/client_story_log.h"

#include <algorithm>
#include <limits>

namespace lblab {

namespace {

/// A status as kept (HTTP statuses are three digits; anything larger is kept as the largest).
std::uint16_t keptStatus(unsigned status)
{
    return static_cast<std::uint16_t>(std::min<unsigned>(status, std::numeric_limits<std::uint16_t>::max()));
}

} // namespace

void ClientStoryLog::Kept::takeAnswer(const RequestEvent& e)
{
    status = keptStatus(e.status);
    // A key is at most a header's length; one beyond 64 KiB is kept cut.
    const std::size_t key = std::min<std::size_t>(e.sessionKey.size(), std::numeric_limits<std::uint16_t>::max());
    keyLength = static_cast<std::uint16_t>(key);
    text.assign(e.sessionKey, 0, key);
    text += e.why;
    reason = e.reason;
}

bool ClientStoryLog::Kept::alike(const RequestEvent& e) const
{
    return kind == StoryEntry::Kind::Requests && ip == e.clientIp && backend == e.backend && decision == e.decision &&
           session == e.session && status / 100 == e.status / 100 && count < std::numeric_limits<std::uint32_t>::max();
}

StoryEntry ClientStoryLog::Kept::entry() const
{
    StoryEntry out;
    out.kind = kind;
    out.firstUs = firstUs;
    out.lastUs = lastUs;
    out.count = count;
    out.ip = ip;
    out.fromIp = fromIp;
    out.backend = backend;
    out.decision = decision;
    out.session = session;
    out.status = status;
    out.sessionKey.assign(text, 0, keyLength);
    out.reason = reason;
    out.why.assign(text, keyLength);
    return out;
}

ClientStoryLog::ClientStoryLog(std::size_t capacity)
    : m_capacity(static_cast<std::uint32_t>(
          std::clamp<std::size_t>(capacity, 2, std::numeric_limits<std::uint32_t>::max())))
{
}

std::size_t ClientStoryLog::slotFromNewest(std::size_t back) const
{
    // Before the ring is full m_oldest is 0 and the newest is the last element.
    return (m_oldest + m_entries.size() - 1 - back) % m_entries.size();
}

ClientStoryLog::Kept* ClientStoryLog::newest()
{
    return m_entries.empty() ? nullptr : &m_entries[slotFromNewest(0)];
}

std::optional<std::size_t> ClientStoryLog::lastRequestSlot() const
{
    for (std::size_t back = 0; back < m_entries.size(); ++back)
        if (const std::size_t slot = slotFromNewest(back); m_entries[slot].kind == StoryEntry::Kind::Requests)
            return slot;
    return std::nullopt;
}

std::optional<StoryEntry> ClientStoryLog::lastRequest() const
{
    if (const auto slot = lastRequestSlot())
        return m_entries[*slot].entry();
    return std::nullopt;
}

ClientStoryLog::Kept& ClientStoryLog::push(bool keepLastRequest)
{
    if (m_entries.size() < m_capacity) {
        // Grow by hand so a story never holds more room than its bound (push_back would double).
        if (m_entries.size() == m_entries.capacity())
            m_entries.reserve(std::min<std::size_t>(m_capacity, std::max<std::size_t>(1, 2 * m_entries.size())));
        return m_entries.emplace_back();
    }
    // The oldest entry's place is refilled field by field: its text keeps its capacity.
    const std::uint32_t next = (m_oldest + 1) % m_capacity;
    if (keepLastRequest && lastRequestSlot() == m_oldest) {
        // Only address changes came after the last request: it stays, as the oldest, and the
        // oldest address change after it goes instead.
        std::swap(m_entries[m_oldest], m_entries[next]);
    }
    Kept& entry = m_entries[m_oldest];
    m_oldest = next;
    ++m_dropped;
    return entry;
}

void ClientStoryLog::recordRequest(const RequestEvent& e)
{
    if (Kept* last = newest(); last && last->alike(e)) {
        // Requests are recorded as they complete, so times within an entry may come out of order.
        ++last->count;
        last->firstUs = std::min(last->firstUs, e.tUs);
        last->lastUs = std::max(last->lastUs, e.tUs);
        last->takeAnswer(e);
        return;
    }
    Kept& entry = push(false);
    entry.kind = StoryEntry::Kind::Requests;
    entry.firstUs = e.tUs;
    entry.lastUs = e.tUs;
    entry.count = 1;
    entry.ip = e.clientIp;
    entry.fromIp = 0;
    entry.backend = e.backend;
    entry.decision = e.decision;
    entry.session = e.session;
    entry.takeAnswer(e);
}

void ClientStoryLog::recordIpChange(Ipv4 from, Ipv4 to, std::int64_t tUs)
{
    Kept& entry = push(true);
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
    entry.keyLength = 0;
    entry.text.clear();
    entry.reason = DecisionReason{};
}

void ClientStoryLog::fill(ClientStory& out) const
{
    out.entries.clear();
    out.entries.reserve(m_entries.size());
    for (std::size_t i = 0; i < m_entries.size(); ++i)
        out.entries.push_back(m_entries[(m_oldest + i) % m_entries.size()].entry());
    out.droppedEntries = m_dropped;
}

} // namespace lblab
