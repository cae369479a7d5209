#include "core/base/page_buffer.h"

#include <new>
#include <utility>

#include <sys/mman.h>
#include <unistd.h>

namespace lblab {

namespace {

std::size_t wholePages(std::size_t size)
{
    static const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    return (size + page - 1) / page * page;
}

char* mapPages(std::size_t bytes)
{
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        throw std::bad_alloc();
    return static_cast<char*>(p);
}

} // namespace

PageBuffer::PageBuffer(std::size_t size)
{
    resize(size);
}

PageBuffer::~PageBuffer()
{
    if (m_data)
        ::munmap(m_data, m_mapped);
}

PageBuffer::PageBuffer(PageBuffer&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)),
      m_mapped(std::exchange(other.m_mapped, 0))
{
}

PageBuffer& PageBuffer::operator=(PageBuffer&& other) noexcept
{
    PageBuffer(std::move(other)).swap(*this);
    return *this;
}

void PageBuffer::swap(PageBuffer& other) noexcept
{
    std::swap(m_data, other.m_data);
    std::swap(m_size, other.m_size);
    std::swap(m_mapped, other.m_mapped);
}

void PageBuffer::resize(std::size_t size)
{
    if (size <= m_mapped) {
        m_size = size;
        return;
    }
    const std::size_t bytes = wholePages(size);
    if (!m_data) {
        m_data = mapPages(bytes);
    } else {
        // The kernel moves the pages (no copy) when the mapping cannot grow where it is.
        void* p = ::mremap(m_data, m_mapped, bytes, MREMAP_MAYMOVE);
        if (p == MAP_FAILED)
            throw std::bad_alloc();
        m_data = static_cast<char*>(p);
    }
    m_mapped = bytes;
    m_size = size;
}

} // namespace lblab
