#pragma once

#include <cstdint>
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

/// FNV-1a over the bytes, then mixHash (FNV alone clusters short, similar keys such as "/item/17").
inline std::uint64_t hashText(std::string_view text)
{
    std::uint64_t h = 0xCBF29CE484222325ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 0x100000001B3ull;
    }
    return mixHash(h);
}

} // namespace lblab
