#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace lblab {

/// SplitMix64's finaliser: every input bit flips about half the output bits, so sequential
/// loopback addresses (127.0.3.17, 127.0.3.18, ...) spread evenly over the backends.
inline std::uint64_t mixHash(std::uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/// Eight bytes per step (multiply, fold), then mixHash. Byte-at-a-time FNV-1a cost about 1 ns per
/// character, which made hashing a 20-character URL the larger part of a url-hash decision. The
/// length seeds the state, so "a" and "a\0" differ; mixHash spreads short, similar keys ("/item/17").
inline std::uint64_t hashText(std::string_view text)
{
    std::uint64_t h = 0x243F6A8885A308D3ull ^ (text.size() * 0x9E3779B97F4A7C15ull);
    const char* p = text.data();
    std::size_t n = text.size();
    while (n >= 8) {
        std::uint64_t v;
        std::memcpy(&v, p, 8);
        h = (h ^ v) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
        p += 8;
        n -= 8;
    }
    if (n > 0) {
        std::uint64_t v = 0;
        std::memcpy(&v, p, n);
        h = (h ^ v) * 0xC4CEB9FE1A85EC53ull;
        h ^= h >> 32;
    }
    return mixHash(h);
}

} // namespace lblab
