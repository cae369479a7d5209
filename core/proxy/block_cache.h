#pragma once

#include <cstddef>
#include <vector>

namespace lblab {

/// Memory blocks of one size kept for reuse by one thread: for the single operation a waiting
/// client connection has pending (its readiness wait), so that parking a connection allocates
/// nothing in steady state and takes exactly the operation's size (Asio's own per-thread cache
/// hands a small operation whatever larger block it holds: a request's coroutine frame, say).
/// Bounded: at most kKept free blocks; a block of another size is simply allocated and freed.
class BlockCache {
public:
    static constexpr std::size_t kKept = 256;

    BlockCache() = default;
    ~BlockCache();
    BlockCache(const BlockCache&) = delete;
    BlockCache& operator=(const BlockCache&) = delete;

    void* allocate(std::size_t size);
    void deallocate(void* block, std::size_t size);
    /// Free blocks kept now.
    std::size_t kept() const { return m_free.size(); }

private:
    std::size_t m_size = 0; ///< the size the cache keeps (the first one asked for)
    std::vector<void*> m_free;
};

/// A standard allocator drawing from a BlockCache (Asio rebinds it to its operation type).
template <typename T>
struct BlockCacheAllocator {
    using value_type = T;

    explicit BlockCacheAllocator(BlockCache& c) noexcept : cache(&c) {}
    template <typename U>
    BlockCacheAllocator(const BlockCacheAllocator<U>& other) noexcept : cache(other.cache)
    {
    }

    T* allocate(std::size_t n) { return static_cast<T*>(cache->allocate(n * sizeof(T))); }
    void deallocate(T* p, std::size_t n) noexcept { cache->deallocate(p, n * sizeof(T)); }
    template <typename U>
    bool operator==(const BlockCacheAllocator<U>& other) const noexcept
    {
        return cache == other.cache;
    }

    BlockCache* cache;
};

} // namespace lblab
