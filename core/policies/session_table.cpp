#include "core/policies/session_table.h"

#include <algorithm>
#include <chrono>

namespace lblab {

SessionTable::SessionTable(double ttlSeconds, std::size_t capacity) : m_capacity(std::max<std::size_t>(1, capacity))
{
    if (ttlSeconds > 0)
        m_ttl = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(ttlSeconds));
    m_index.reserve(std::min<std::size_t>(m_capacity, 4096));
}

TimePoint SessionTable::expiryFor(TimePoint lastUsed) const
{
    if (m_ttl == Clock::duration::zero() || lastUsed > TimePoint::max() - m_ttl)
        return TimePoint::max();
    return lastUsed + m_ttl;
}

void SessionTable::moveToFront(List::iterator it)
{
    if (it != m_entries.begin())
        m_entries.splice(m_entries.begin(), m_entries, it);
}

void SessionTable::evictOverflow()
{
    while (m_entries.size() > m_capacity) {
        m_index.erase(m_entries.back().key);
        m_entries.pop_back();
        ++m_evictions;
    }
}

SessionEntry* SessionTable::find(std::string_view key, TimePoint now)
{
    auto found = m_index.find(key);
    if (found == m_index.end())
        return nullptr;
    if (found->second->expires <= now) {
        auto it = found->second;
        m_index.erase(found);
        m_entries.erase(it);
        return nullptr;
    }
    return &*found->second;
}

void SessionTable::touch(SessionEntry& entry, TimePoint now)
{
    ++entry.hits;
    entry.lastUsed = std::max(entry.lastUsed, now);
    entry.expires = expiryFor(entry.lastUsed);
    auto found = m_index.find(entry.key);
    if (found != m_index.end())
        moveToFront(found->second);
}

SessionEntry& SessionTable::pin(std::string_view key, int backend, TimePoint now)
{
    if (auto found = m_index.find(key); found != m_index.end()) {
        SessionEntry& e = *found->second;
        e.backend = backend;
        e.created = now;
        e.lastUsed = now;
        e.hits = 0;
        e.expires = expiryFor(now);
        moveToFront(found->second);
        return e;
    }
    m_entries.push_front(SessionEntry{std::string(key), backend, now, now, 0, expiryFor(now)});
    m_index.emplace(m_entries.front().key, m_entries.begin());
    evictOverflow();
    return m_entries.front();
}

void SessionTable::adopt(const SessionEntry& row)
{
    if (row.key.empty())
        return;
    erase(row.key);
    // Keep the list ordered by lastUsed so LRU eviction and expire() stay correct for adopted rows.
    // Rows usually come from table(), newest first, so the back is the right place in O(1).
    List::iterator pos;
    if (m_entries.empty() || m_entries.back().lastUsed >= row.lastUsed)
        pos = m_entries.end();
    else if (m_entries.front().lastUsed <= row.lastUsed)
        pos = m_entries.begin();
    else
        pos = std::find_if(m_entries.begin(), m_entries.end(),
                           [&](const SessionEntry& e) { return e.lastUsed <= row.lastUsed; });
    SessionEntry copy = row;
    copy.expires = expiryFor(row.lastUsed);
    auto it = m_entries.insert(pos, std::move(copy));
    m_index.emplace(it->key, it);
    evictOverflow();
}

bool SessionTable::erase(std::string_view key)
{
    auto found = m_index.find(key);
    if (found == m_index.end())
        return false;
    auto it = found->second;
    m_index.erase(found);
    m_entries.erase(it);
    return true;
}

std::size_t SessionTable::expire(TimePoint now)
{
    // The back is the least recently used and all entries share one TTL, so the expired ones
    // are exactly a run at the back.
    std::size_t removed = 0;
    while (!m_entries.empty() && m_entries.back().expires <= now) {
        m_index.erase(m_entries.back().key);
        m_entries.pop_back();
        ++removed;
    }
    return removed;
}

void SessionTable::clear()
{
    m_index.clear();
    m_entries.clear();
}

std::vector<SessionEntry> SessionTable::table(std::size_t limit) const
{
    std::vector<SessionEntry> rows;
    rows.reserve(std::min(limit, m_entries.size()));
    for (const auto& e : m_entries) {
        if (rows.size() >= limit)
            break;
        rows.push_back(e);
    }
    return rows;
}

std::optional<SessionEntry> SessionTable::lookup(std::string_view key) const
{
    auto found = m_index.find(key);
    if (found == m_index.end())
        return std::nullopt;
    return *found->second;
}

} // namespace lblab
