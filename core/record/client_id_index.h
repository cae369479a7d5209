#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace lblab {

/// Where each tracked client's record is, by its id: an open-addressing table (linear probing) of
/// record numbers, at most half full. The ids stay in the records; the table asks for them
/// (`idOf(n)`: record n's id). A lab keeps one entry per client, and a slot is 4 bytes: about 8 to
/// 16 bytes a client, where a hash map node with its bucket takes about 56. Records are only added
/// (a tracker never forgets a client), so there are no tombstones. Not thread-safe.
class ClientIdIndex {
public:
    /// No record.
    static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

    /// The record number indexed under `id`, or kNone.
    template <class IdOf>
    std::uint32_t find(std::string_view id, const IdOf& idOf) const
    {
        if (m_slots.empty())
            return kNone;
        for (std::size_t i = home(id);; i = (i + 1) & mask()) {
            const std::uint32_t n = m_slots[i];
            if (n == kNone || std::string_view(idOf(n)) == id)
                return n;
        }
    }

    /// Indexes record `n` under `id`, which is not indexed yet (n < kNone).
    template <class IdOf>
    void insert(std::string_view id, std::uint32_t n, const IdOf& idOf)
    {
        if (2 * (m_size + 1) > m_slots.size())
            grow(idOf);
        place(id, n);
        ++m_size;
    }

    /// Forgets every record.
    void clear()
    {
        m_slots.clear();
        m_size = 0;
    }

    /// Records indexed.
    std::size_t size() const { return m_size; }

private:
    std::size_t mask() const { return m_slots.size() - 1; }
    std::size_t home(std::string_view id) const { return std::hash<std::string_view>{}(id) & mask(); }

    void place(std::string_view id, std::uint32_t n)
    {
        std::size_t i = home(id);
        while (m_slots[i] != kNone)
            i = (i + 1) & mask();
        m_slots[i] = n;
    }

    /// Twice the slots (16 at first), every record placed anew.
    template <class IdOf>
    void grow(const IdOf& idOf)
    {
        std::vector<std::uint32_t> old(m_slots.empty() ? 16 : 2 * m_slots.size(), kNone);
        old.swap(m_slots);
        for (const std::uint32_t n : old)
            if (n != kNone)
                place(idOf(n), n);
    }

    std::vector<std::uint32_t> m_slots; ///< a power of two of them, kNone where empty
    std::size_t m_size = 0;
};

} // namespace lblab
