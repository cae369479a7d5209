#pragma once

#include "core/clock.h"
#include "core/policies/policy.h"

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lblab {

/// The bounded key -> backend table of a stateful policy.
///
/// Rules: an entry expires when it has not been used for the idle TTL (expires = lastUsed + TTL;
/// a TTL <= 0 means never). When an insert would exceed the capacity, the least recently used
/// entry (oldest lastUsed; ties: the one inserted or used first) is evicted. Lookups, inserts and
/// touches are O(1); expire() costs O(entries it removes).
class SessionTable {
public:
    /// A table of at most `capacity` entries (at least 1) with idle TTL `ttlSeconds`.
    SessionTable(double ttlSeconds, std::size_t capacity);
    SessionTable(const SessionTable&) = delete;
    SessionTable& operator=(const SessionTable&) = delete;

    /// The live entry for `key`, or nullptr. An entry found expired at `now` is removed here.
    SessionEntry* find(std::string_view key, TimePoint now);
    /// Records a request that followed the pin: hits++, lastUsed = now, most recently used.
    void touch(SessionEntry& entry, TimePoint now);
    /// Pins `key` to `backend` at `now` (created = lastUsed = now, hits = 0), replacing any old pin.
    SessionEntry& pin(std::string_view key, int backend, TimePoint now);
    /// Inserts a row copied from another table, keeping its times and hits (TTL recomputed here).
    void adopt(const SessionEntry& row);
    /// Removes `key`; false if absent.
    bool erase(std::string_view key);
    /// Removes every entry idle past its TTL at `now`; returns how many.
    std::size_t expire(TimePoint now);
    /// Drops everything.
    void clear();

    /// At most `limit` rows, most recently used first.
    std::vector<SessionEntry> table(std::size_t limit) const;
    /// True when a row for `key` is held (expired or not).
    bool contains(std::string_view key) const { return m_index.find(key) != m_index.end(); }
    /// A copy of the row for `key`, if present.
    std::optional<SessionEntry> lookup(std::string_view key) const;
    /// Rows held.
    std::size_t size() const { return m_entries.size(); }
    /// The bound.
    std::size_t capacity() const { return m_capacity; }
    /// Entries evicted for capacity since construction.
    std::uint64_t evictions() const { return m_evictions; }

private:
    using List = std::list<SessionEntry>;

    TimePoint expiryFor(TimePoint lastUsed) const;
    void moveToFront(List::iterator it);
    void evictOverflow();

    Clock::duration m_ttl{};  ///< zero: entries never expire
    std::size_t m_capacity;
    List m_entries;           ///< most recently used first
    /// Keys are views of the entries' own strings: list nodes never move, so the views stay valid.
    std::unordered_map<std::string_view, List::iterator> m_index;
    std::uint64_t m_evictions = 0;
};

} // namespace lblab
