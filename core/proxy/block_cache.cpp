#include "core/proxy/block_cache.h"

#include <new>

namespace lblab {

BlockCache::~BlockCache()
{
    for (void* block : m_free)
        ::operator delete(block);
}

void* BlockCache::allocate(std::size_t size)
{
    if (m_size == 0)
        m_size = size;
    if (size == m_size && !m_free.empty()) {
        void* block = m_free.back();
        m_free.pop_back();
        return block;
    }
    return ::operator new(size);
}

void BlockCache::deallocate(void* block, std::size_t size)
{
    if (size == m_size && m_free.size() < kKept) {
        if (m_free.capacity() == 0)
            m_free.reserve(kKept);
        m_free.push_back(block);
        return;
    }
    ::operator delete(block);
}

} // namespace lblab
