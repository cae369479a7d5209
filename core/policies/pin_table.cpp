#include "core/policies/pin_table.h"

#include "core/policies/hashing.h"

#include <algorithm>
#include <chrono>

namespace lblab {
namespace {

constexpr std::size_t kMaxCapacity = std::size_t{1} << 28;
constexpr unsigned kMaxPageBits = 12; // 4096 rows (320 KB) per page
constexpr std::size_t kInitialSlots = 64;

/// Slots for `rows` at most 80 % full.
std::size_t slotsFor(std::size_t rows) { return rows + rows / 4 + 1; }

} // namespace

PinTable::PinTable(double ttlSeconds, std::size_t capacity)
    : m_capacity(std::clamp<std::size_t>(capacity, 1, kMaxCapacity)), m_maxSlots(slotsFor(m_capacity + 1))
{
    if (ttlSeconds > 0)
        m_ttl = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(ttlSeconds));
    // Small tables get small pages, so a 10-row table does not hold 4096 rows.
    m_pageBits = 4;
    while (m_pageBits < kMaxPageBits && (std::size_t{1} << m_pageBits) < m_capacity + 1)
        ++m_pageBits;
    m_pageMask = (std::uint32_t{1} << m_pageBits) - 1;
}

std::uint64_t PinTable::hashKey(std::string_view key)
{
    return hashText(key);
}

TimePoint PinTable::expiryFor(TimePoint lastUsed) const
{
    if (m_ttl == Clock::duration::zero() || lastUsed > TimePoint::max() - m_ttl)
        return TimePoint::max();
    return lastUsed + m_ttl;
}

std::uint32_t PinTable::findSlot(std::string_view key, std::uint64_t hash) const
{
    if (m_size == 0)
        return kNone;
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    const std::size_t n = m_slots.size();
    std::size_t i = home(tag);
    // At most 80 % full, so an empty slot always ends the probe.
    for (;;) {
        const Slot& s = m_slots[i];
        if (s.node == kNone)
            return kNone;
        if (s.tag == tag && node(s.node).entry.key == key)
            return static_cast<std::uint32_t>(i);
        if (++i == n)
            i = 0;
    }
}

void PinTable::growIndex()
{
    const std::size_t target = std::min(m_maxSlots, std::max(kInitialSlots, m_slots.size() * 2));
    std::vector<Slot> old(target);
    old.swap(m_slots);
    const std::size_t n = m_slots.size();
    for (const Slot& s : old) {
        if (s.node == kNone)
            continue;
        std::size_t i = home(s.tag);
        while (m_slots[i].node != kNone)
            if (++i == n)
                i = 0;
        m_slots[i] = s;
    }
}

void PinTable::indexInsert(std::uint64_t hash, std::uint32_t nodeIndex)
{
    // m_size already counts the new row.
    if (m_slots.size() < m_maxSlots && slotsFor(m_size) > m_slots.size())
        growIndex();
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    const std::size_t n = m_slots.size();
    std::size_t i = home(tag);
    while (m_slots[i].node != kNone)
        if (++i == n)
            i = 0;
    m_slots[i] = {tag, nodeIndex};
}

void PinTable::indexEraseAt(std::uint32_t slot)
{
    // Backward-shift deletion: pull later members of the probe run back so no tombstones pile up.
    const std::size_t n = m_slots.size();
    std::size_t i = slot;
    std::size_t j = slot;
    for (;;) {
        if (++j == n)
            j = 0;
        if (m_slots[j].node == kNone)
            break;
        const std::size_t k = home(m_slots[j].tag);
        // Slot j may move to i only if its home is not cyclically within (i, j].
        const bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
        if (stays)
            continue;
        m_slots[i] = m_slots[j];
        i = j;
    }
    m_slots[i] = Slot{};
}

std::uint32_t PinTable::allocateNode()
{
    if (m_free != kNone) {
        const std::uint32_t i = m_free;
        m_free = node(i).next;
        return i;
    }
    if ((m_allocated >> m_pageBits) == m_pages.size())
        m_pages.push_back(std::make_unique<Node[]>(std::size_t{1} << m_pageBits));
    return m_allocated++;
}

void PinTable::unlink(std::uint32_t i)
{
    Node& x = node(i);
    if (x.prev != kNone)
        node(x.prev).next = x.next;
    else
        m_head = x.next;
    if (x.next != kNone)
        node(x.next).prev = x.prev;
    else
        m_tail = x.prev;
    x.prev = x.next = kNone;
}

void PinTable::linkFront(std::uint32_t i) { linkBefore(i, m_head); }

void PinTable::linkBefore(std::uint32_t i, std::uint32_t before)
{
    Node& x = node(i);
    x.next = before;
    x.prev = before == kNone ? m_tail : node(before).prev;
    if (x.prev != kNone)
        node(x.prev).next = i;
    else
        m_head = i;
    if (before != kNone)
        node(before).prev = i;
    else
        m_tail = i;
}

void PinTable::removeAt(std::uint32_t slot, std::uint32_t i)
{
    indexEraseAt(slot);
    unlink(i);
    Node& x = node(i);
    x.entry.key.clear(); // keeps its buffer for the next row
    x.next = m_free;
    m_free = i;
    --m_size;
    if (m_last == i)
        m_last = kNone;
}

void PinTable::removeNode(std::uint32_t i)
{
    const std::string& key = node(i).entry.key;
    removeAt(findSlot(key, hashKey(key)), i);
}

void PinTable::evictOverflow()
{
    while (m_size > m_capacity) {
        removeNode(m_tail);
        ++m_evictions;
    }
}

std::uint32_t PinTable::nodeOf(const PinEntry& entry) const
{
    if (m_last != kNone && &node(m_last).entry == &entry)
        return m_last;
    const std::uint32_t slot = findSlot(entry.key, hashKey(entry.key));
    return slot == kNone ? kNone : m_slots[slot].node;
}

PinEntry* PinTable::find(std::string_view key, TimePoint now)
{
    const std::uint32_t slot = findSlot(key, hashKey(key));
    if (slot == kNone)
        return nullptr;
    const std::uint32_t i = m_slots[slot].node;
    if (node(i).entry.expires <= now) {
        removeAt(slot, i);
        return nullptr;
    }
    m_last = i;
    return &node(i).entry;
}

void PinTable::touch(PinEntry& entry, TimePoint now)
{
    ++entry.hits;
    entry.lastUsed = std::max(entry.lastUsed, now);
    entry.expires = expiryFor(entry.lastUsed);
    const std::uint32_t i = nodeOf(entry);
    if (i != kNone && i != m_head) {
        unlink(i);
        linkFront(i);
    }
}

PinEntry& PinTable::pin(std::string_view key, int backend, TimePoint now)
{
    const std::uint64_t hash = hashKey(key);
    if (const std::uint32_t slot = findSlot(key, hash); slot != kNone) {
        const std::uint32_t i = m_slots[slot].node;
        PinEntry& e = node(i).entry;
        e.backend = backend;
        e.created = now;
        e.lastUsed = now;
        e.hits = 0;
        e.expires = expiryFor(now);
        if (i != m_head) {
            unlink(i);
            linkFront(i);
        }
        m_last = i;
        return e;
    }
    const std::uint32_t i = allocateNode();
    PinEntry& e = node(i).entry;
    e.key.assign(key);
    e.backend = backend;
    e.created = now;
    e.lastUsed = now;
    e.hits = 0;
    e.expires = expiryFor(now);
    ++m_size;
    indexInsert(hash, i);
    linkFront(i);
    evictOverflow(); // never the new row: it is the most recently used and capacity >= 1
    m_last = i;
    return e;
}

void PinTable::adopt(const PinEntry& row)
{
    if (row.key.empty())
        return;
    erase(row.key);
    // Keep the list ordered by lastUsed so LRU eviction and expire() stay correct for adopted rows.
    // Rows usually come from table(), newest first, so the back is the right place in O(1).
    std::uint32_t before = kNone;
    if (m_head == kNone || node(m_tail).entry.lastUsed >= row.lastUsed) {
        before = kNone;
    } else if (node(m_head).entry.lastUsed <= row.lastUsed) {
        before = m_head;
    } else {
        before = m_head;
        while (before != kNone && node(before).entry.lastUsed > row.lastUsed)
            before = node(before).next;
    }
    const std::uint32_t i = allocateNode();
    PinEntry& e = node(i).entry;
    e.key.assign(row.key);
    e.backend = row.backend;
    e.created = row.created;
    e.lastUsed = row.lastUsed;
    e.hits = row.hits;
    e.expires = expiryFor(row.lastUsed);
    ++m_size;
    indexInsert(hashKey(row.key), i);
    linkBefore(i, before);
    evictOverflow(); // may drop the adopted row itself when it is the oldest
}

bool PinTable::erase(std::string_view key)
{
    const std::uint32_t slot = findSlot(key, hashKey(key));
    if (slot == kNone)
        return false;
    removeAt(slot, m_slots[slot].node);
    return true;
}

std::size_t PinTable::expire(TimePoint now)
{
    // The back is the least recently used and all entries share one TTL, so the expired ones
    // are exactly a run at the back.
    std::size_t removed = 0;
    while (m_tail != kNone && node(m_tail).entry.expires <= now) {
        removeNode(m_tail);
        ++removed;
    }
    return removed;
}

void PinTable::clear()
{
    m_pages.clear();
    m_slots = {};
    m_allocated = 0;
    m_free = m_head = m_tail = m_last = kNone;
    m_size = 0;
}

std::vector<PinEntry> PinTable::table(std::size_t limit) const
{
    std::vector<PinEntry> rows;
    rows.reserve(std::min(limit, m_size));
    for (std::uint32_t i = m_head; i != kNone && rows.size() < limit; i = node(i).next)
        rows.push_back(node(i).entry);
    return rows;
}

std::optional<PinEntry> PinTable::lookup(std::string_view key) const
{
    const std::uint32_t slot = findSlot(key, hashKey(key));
    if (slot == kNone)
        return std::nullopt;
    return node(m_slots[slot].node).entry;
}

} // namespace lblab
