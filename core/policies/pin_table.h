#pragma once

#include "core/base/clock.h"
#include "core/policies/policy.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace lblab {

/// The bounded key -> backend table of a stateful policy.
///
/// Rules: an entry expires when it has not been used for the idle TTL (expires = lastUsed + TTL;
/// a TTL <= 0 means never). When an insert would exceed the capacity, the least recently used
/// entry (oldest lastUsed; ties: the one inserted or used first) is evicted. Lookups, inserts and
/// touches are O(1); expire() costs O(entries it removes).
///
/// Layout (about 90 bytes per entry at a million): rows live in fixed pages that never move, linked
/// into the LRU list by 32-bit indices; an open-addressing index of 8-byte slots (32-bit hash tag +
/// row index, linear probing, at most 80 % full, backward-shift deletion) finds them. Keys up to 15
/// characters (addresses, the lab's cookies and session ids) live inside the row, with no heap node.
class PinTable {
public:
    /// A table of at most `capacity` entries (at least 1, at most 2^28) with idle TTL `ttlSeconds`.
    PinTable(double ttlSeconds, std::size_t capacity);
    PinTable(const PinTable&) = delete;
    PinTable& operator=(const PinTable&) = delete;

    /// The live entry for `key`, or nullptr. An entry found expired at `now` is removed here.
    /// The pointer stays valid until the entry is removed.
    PinEntry* find(std::string_view key, TimePoint now);
    /// Records a request that followed the pin: hits++, lastUsed = now, most recently used.
    void touch(PinEntry& entry, TimePoint now);
    /// Pins `key` to `backend` at `now` (created = lastUsed = now, hits = 0), replacing any old pin.
    PinEntry& pin(std::string_view key, int backend, TimePoint now);
    /// Inserts a row copied from another table, keeping its times and hits (TTL recomputed here).
    void adopt(const PinEntry& row);
    /// Removes `key`; false if absent.
    bool erase(std::string_view key);
    /// Removes every entry idle past its TTL at `now`; returns how many.
    std::size_t expire(TimePoint now);
    /// Drops everything (and the memory it used).
    void clear();

    /// At most `limit` rows, most recently used first.
    std::vector<PinEntry> table(std::size_t limit) const;
    /// True when a row for `key` is held (expired or not).
    bool contains(std::string_view key) const { return findSlot(key, hashKey(key)) != kNone; }
    /// A copy of the row for `key`, if present.
    std::optional<PinEntry> lookup(std::string_view key) const;
    /// Rows held.
    std::size_t size() const { return m_size; }
    /// The bound.
    std::size_t capacity() const { return m_capacity; }
    /// Entries evicted for capacity since construction.
    std::uint64_t evictions() const { return m_evictions; }
    /// Slots in the index now (for tests: it grows with the rows, never past capacity / 0.8).
    std::size_t indexSlots() const { return m_slots.size(); }

    /// The hash the index uses for `key` (exposed so tests can build colliding keys).
    static std::uint64_t hashKey(std::string_view key);

private:
    static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

    /// A row and its LRU links (row indices; kNone at the ends).
    struct Node {
        PinEntry entry;
        std::uint32_t prev = kNone; ///< more recently used
        std::uint32_t next = kNone; ///< less recently used (free list link when unused)
    };
    /// One index slot: the top 32 bits of the key's hash (which also give its home slot) and the row.
    struct Slot {
        std::uint32_t tag = 0;
        std::uint32_t node = kNone; ///< kNone: empty
    };

    Node& node(std::uint32_t i) { return m_pages[i >> m_pageBits][i & m_pageMask]; }
    const Node& node(std::uint32_t i) const { return m_pages[i >> m_pageBits][i & m_pageMask]; }

    TimePoint expiryFor(TimePoint lastUsed) const;
    std::size_t home(std::uint32_t tag) const { return (std::uint64_t{tag} * m_slots.size()) >> 32; }
    /// The slot holding `key`, or kNone.
    std::uint32_t findSlot(std::string_view key, std::uint64_t hash) const;
    /// Adds `nodeIndex` (whose key hashes to `hash`) to the index, growing it if needed.
    void indexInsert(std::uint64_t hash, std::uint32_t nodeIndex);
    void indexEraseAt(std::uint32_t slot);
    void growIndex();
    /// A free row (its key keeps any old buffer, so churn at the bound does not allocate).
    std::uint32_t allocateNode();
    /// Unlinks, unindexes and frees row `i` found at index slot `slot`.
    void removeAt(std::uint32_t slot, std::uint32_t i);
    /// Removes row `i` (looking up its slot).
    void removeNode(std::uint32_t i);
    void unlink(std::uint32_t i);
    void linkFront(std::uint32_t i);
    /// Links `i` just before `before` (kNone: at the back).
    void linkBefore(std::uint32_t i, std::uint32_t before);
    void evictOverflow();
    /// The row holding `entry` (a pointer this table handed out).
    std::uint32_t nodeOf(const PinEntry& entry) const;

    Clock::duration m_ttl{};  ///< zero: entries never expire
    std::size_t m_capacity;
    std::size_t m_maxSlots;   ///< index size at which capacity + 1 rows stay <= 80 % full
    unsigned m_pageBits;      ///< rows per page = 1 << m_pageBits
    std::uint32_t m_pageMask;
    std::vector<std::unique_ptr<Node[]>> m_pages;
    std::uint32_t m_allocated = 0;  ///< rows ever handed out (high-water mark)
    std::uint32_t m_free = kNone;   ///< free rows, linked by next
    std::uint32_t m_head = kNone;   ///< most recently used
    std::uint32_t m_tail = kNone;   ///< least recently used
    std::size_t m_size = 0;
    std::vector<Slot> m_slots;
    std::uint32_t m_last = kNone;   ///< the row find()/pin() handed out last: touch() needs no lookup
    std::uint64_t m_evictions = 0;
};

} // namespace lblab
