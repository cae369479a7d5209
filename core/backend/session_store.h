#pragma once

#include "core/base/clock.h"

#include <chrono>
#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>

namespace lblab {

/// A backend's server-side sessions: bounded (the least recently used one is evicted when full)
/// and expiring after an idle TTL. Not thread-safe: its owner serialises access (a strand).
class SessionStore {
public:
    /// One session as the backend holds it.
    struct Entry {
        std::string id;        ///< the session id handed to the client
        TimePoint created;     ///< when /login made it
        TimePoint lastUsed;    ///< last hit (or creation)
        std::uint64_t hits = 0; ///< successful look-ups
    };

    /// Makes an empty store holding at most `capacity` sessions idle for at most `ttl`.
    explicit SessionStore(std::size_t capacity = 200'000,
                          std::chrono::steady_clock::duration ttl = std::chrono::minutes(30));

    /// Adds a session `id` created at `now`; evicts the least recently used one when full.
    void create(const std::string& id, TimePoint now);
    /// Looks `id` up; on success marks it used at `now`. Expired sessions are not found.
    bool touch(const std::string& id, TimePoint now);
    /// True if `id` is held (no touch, no expiry check).
    bool contains(const std::string& id) const;
    /// Drops every session idle longer than the TTL at `now`; returns how many were dropped.
    std::size_t expire(TimePoint now);
    /// Forgets every session (a crashed server's memory is gone); returns how many there were.
    std::size_t clear();
    /// Sessions held now.
    std::size_t size() const { return m_index.size(); }
    /// The maximum number of sessions held.
    std::size_t capacity() const { return m_capacity; }
    /// Sessions evicted because the store was full.
    std::uint64_t evicted() const { return m_evicted; }

private:
    using List = std::list<Entry>;
    std::size_t m_capacity;
    std::chrono::steady_clock::duration m_ttl;
    List m_lru; ///< front = least recently used
    std::unordered_map<std::string, List::iterator> m_index;
    std::uint64_t m_evicted = 0;
};

} // namespace lblab
