#pragma once

#include <cstddef>

namespace lblab {

/// Bytes in whole pages of their own (an anonymous private mapping), not from the allocator's heap.
/// A large buffer that comes and goes with a burst of requests then leaves no holes between the
/// small objects that live on (a hole keeps its page resident after the buffer is freed), and only
/// the pages actually written become resident. Growing remaps in place when it can. Meant for
/// buffers of a few pages that their owners keep and reuse: each mapping costs system calls.
class PageBuffer {
public:
    /// `size` bytes (none: no mapping); throws std::bad_alloc when the system has no memory.
    explicit PageBuffer(std::size_t size = 0);
    ~PageBuffer();
    PageBuffer(PageBuffer&& other) noexcept;
    PageBuffer& operator=(PageBuffer&& other) noexcept;
    PageBuffer(const PageBuffer&) = delete;
    PageBuffer& operator=(const PageBuffer&) = delete;

    char* data() { return m_data; }
    const char* data() const { return m_data; }
    std::size_t size() const { return m_size; }
    /// Bytes mapped (size() rounded up to whole pages).
    std::size_t mapped() const { return m_mapped; }

    /// `size` bytes, the first min(old, new) kept; bytes beyond the old size are unspecified.
    /// Shrinking keeps the mapping (swap with a smaller buffer to give pages back).
    void resize(std::size_t size);
    void swap(PageBuffer& other) noexcept;

private:
    char* m_data = nullptr;
    std::size_t m_size = 0;
    std::size_t m_mapped = 0;
};

} // namespace lblab
