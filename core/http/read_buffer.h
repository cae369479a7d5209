#pragma once

#include "core/base/page_buffer.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <span>
#include <string_view>

namespace lblab {

/// A connection's receive buffer, kept for the connection's life so steady-state reads allocate
/// nothing: unread bytes are [begin, end) of one buffer that only grows when a message needs it
/// (callers bound that) and is compacted instead whenever there is room at the front. The storage is
/// pages of its own (PageBuffer): pooled buffers freed after a burst leave no holes in the heap.
class ReadBuffer {
public:
    /// Starts with `capacity` bytes of storage.
    explicit ReadBuffer(std::size_t capacity = 8192) : m_storage(capacity) {}

    /// The unread bytes.
    std::string_view data() const { return {m_storage.data() + m_begin, m_end - m_begin}; }
    /// How many bytes are unread.
    std::size_t size() const { return m_end - m_begin; }
    /// Storage currently held.
    std::size_t capacity() const { return m_storage.size(); }

    /// At least `n` writable bytes after the unread ones. May move the unread bytes (views into
    /// data() are then stale: see MessageHead::rebase).
    std::span<char> prepare(std::size_t n)
    {
        if (m_storage.size() - m_end < n && m_begin > 0) {
            std::memmove(m_storage.data(), m_storage.data() + m_begin, m_end - m_begin);
            m_end -= m_begin;
            m_begin = 0;
        }
        if (m_storage.size() - m_end < n)
            m_storage.resize(std::max(m_storage.size() * 2, m_end + n));
        return {m_storage.data() + m_end, m_storage.size() - m_end};
    }
    /// Marks `n` bytes written into the span of prepare() as unread.
    void commit(std::size_t n) { m_end += n; }
    /// Drops the first `n` unread bytes.
    void consume(std::size_t n)
    {
        m_begin += std::min(n, size());
        if (m_begin == m_end)
            m_begin = m_end = 0;
    }
    /// Drops `n` unread bytes starting `pos` bytes into the unread data (decoded chunk framing).
    void erase(std::size_t pos, std::size_t n)
    {
        pos = std::min(pos, size());
        n = std::min(n, size() - pos);
        char* at = m_storage.data() + m_begin + pos;
        std::memmove(at, at + n, m_end - (m_begin + pos + n));
        m_end -= n;
    }
    /// Drops every unread byte.
    void clear() { m_begin = m_end = 0; }
    /// Gives storage back after a large message, keeping `keep` bytes (or what is unread).
    void shrink(std::size_t keep)
    {
        if (m_storage.size() <= keep)
            return;
        PageBuffer smaller(std::max(keep, size()));
        if (size() > 0)
            std::memcpy(smaller.data(), m_storage.data() + m_begin, size());
        m_end = size();
        m_begin = 0;
        m_storage.swap(smaller);
    }

private:
    PageBuffer m_storage;
    std::size_t m_begin = 0;
    std::size_t m_end = 0;
};

} // namespace lblab
