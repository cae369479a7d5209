#include "core/backend/session_store.h"

#include <algorithm>

namespace lblab {

SessionStore::SessionStore(std::size_t capacity, std::chrono::steady_clock::duration ttl)
    : m_capacity(std::max<std::size_t>(capacity, 1)), m_ttl(ttl)
{
}

void SessionStore::create(const std::string& id, TimePoint now)
{
    expire(now);
    if (auto it = m_index.find(id); it != m_index.end()) {
        // Re-login with an id we already hold: refresh it rather than duplicate it.
        it->second->lastUsed = now;
        m_lru.splice(m_lru.end(), m_lru, it->second);
        return;
    }
    while (m_index.size() >= m_capacity) {
        m_index.erase(m_lru.front().id);
        m_lru.pop_front();
        ++m_evicted;
    }
    m_lru.push_back(Entry{id, now, now, 0});
    m_index.emplace(id, std::prev(m_lru.end()));
}

bool SessionStore::touch(const std::string& id, TimePoint now)
{
    expire(now);
    auto it = m_index.find(id);
    if (it == m_index.end())
        return false;
    it->second->lastUsed = now;
    ++it->second->hits;
    m_lru.splice(m_lru.end(), m_lru, it->second);
    return true;
}

bool SessionStore::contains(const std::string& id) const
{
    return m_index.count(id) != 0;
}

std::size_t SessionStore::expire(TimePoint now)
{
    // The list is ordered by last use, so the expired ones are all at the front.
    std::size_t dropped = 0;
    while (!m_lru.empty() && now - m_lru.front().lastUsed > m_ttl) {
        m_index.erase(m_lru.front().id);
        m_lru.pop_front();
        ++dropped;
    }
    return dropped;
}

std::size_t SessionStore::clear()
{
    const std::size_t dropped = m_index.size();
    m_index.clear();
    m_lru.clear();
    return dropped;
}

} // namespace lblab
