#pragma once

// Heap bytes in use, for tests that bound what an idle object holds: glibc's mallinfo2() summed over
// every arena, mmapped blocks included. Under a sanitizer the allocator is not glibc's and the figure
// does not move: heapMeterWorks() says so, and such a test skips.

#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <filesystem>

namespace lblab::test {

/// Bytes the program has allocated and not freed (every thread's arena, mmapped blocks included).
inline std::size_t heapInUse()
{
    const struct mallinfo2 m = ::mallinfo2();
    return m.uordblks + m.hblkhd;
}

/// True when heapInUse() sees a 64 KB allocation made now (false under ASan or TSan).
inline bool heapMeterWorks()
{
    static void* volatile escape = nullptr; // the block escapes, so the allocation is not elided
    const std::size_t before = heapInUse();
    escape = std::malloc(64 * 1024);
    const std::size_t during = heapInUse();
    std::free(escape);
    escape = nullptr;
    return during >= before + 64 * 1024 && during < before + 128 * 1024;
}

/// How many connections (two descriptors each, both ends in this process) fit under the descriptor
/// limit, at most `wanted`: raises the soft limit towards the hard one first.
inline std::size_t connectionsThatFit(std::size_t wanted)
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return std::min<std::size_t>(wanted, 200);
    const rlim_t needed = static_cast<rlim_t>(2 * wanted + 256);
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed) {
        limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? needed : std::min(needed, limit.rlim_max);
        ::setrlimit(RLIMIT_NOFILE, &limit);
        ::getrlimit(RLIMIT_NOFILE, &limit);
    }
    if (limit.rlim_cur == RLIM_INFINITY)
        return wanted;
    std::size_t open = 0;
    for ([[maybe_unused]] const auto& fd : std::filesystem::directory_iterator("/proc/self/fd"))
        ++open;
    const std::size_t room = static_cast<std::size_t>(limit.rlim_cur) > open + 128
        ? (static_cast<std::size_t>(limit.rlim_cur) - open - 128) / 2
        : 0;
    return std::min(wanted, room);
}

} // namespace lblab::test
