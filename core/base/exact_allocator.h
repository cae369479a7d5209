#pragma once

#include <cstddef>
#include <new>

namespace lblab {

/// Allocates exactly what is asked, with operator new. Asio gives a handler without an allocator of
/// its own a block from the thread's recycling cache, which is often a finished read's or write's
/// (350 to 420 bytes): the two operations an idle connection keeps pending (its wait for readability
/// and its deadline, about 100 bytes each) would each hold such a block for as long as it stays idle.
template <class T>
struct ExactAllocator {
    using value_type = T;
    ExactAllocator() = default;
    template <class U>
    ExactAllocator(const ExactAllocator<U>&) noexcept
    {
    }
    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T))); }
    void deallocate(T* p, std::size_t) noexcept { ::operator delete(p); }
    template <class U>
    bool operator==(const ExactAllocator<U>&) const noexcept
    {
        return true;
    }
};

} // namespace lblab
