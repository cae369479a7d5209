#pragma once

#include "core/base/ipv4.h"

#include <string_view>

namespace lblab {

/// Dotted-quad text of an address in a stack buffer: table lookups by address without allocating.
class PeerText {
public:
    /// Formats `address`, e.g. "127.0.3.17".
    explicit PeerText(Ipv4 address)
    {
        for (int shift = 24; shift >= 0; shift -= 8) {
            unsigned octet = (address >> shift) & 0xFFu;
            if (octet >= 100)
                m_text[m_size++] = static_cast<char>('0' + octet / 100);
            if (octet >= 10)
                m_text[m_size++] = static_cast<char>('0' + octet / 10 % 10);
            m_text[m_size++] = static_cast<char>('0' + octet % 10);
            if (shift > 0)
                m_text[m_size++] = '.';
        }
    }
    /// The text; valid while this object lives.
    std::string_view view() const { return {m_text, m_size}; }

private:
    char m_text[16]{};
    std::size_t m_size = 0;
};

} // namespace lblab
