#include "core/base/ipv4.h"

#include <charconv>

namespace lblab {

std::string formatIpv4(Ipv4 a)
{
    return std::to_string(a >> 24) + '.' + std::to_string((a >> 16) & 0xFF) + '.' +
           std::to_string((a >> 8) & 0xFF) + '.' + std::to_string(a & 0xFF);
}

std::optional<Ipv4> parseIpv4(std::string_view text)
{
    Ipv4 result = 0;
    const char* p = text.data();
    const char* end = text.data() + text.size();
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (p == end || *p != '.')
                return std::nullopt;
            ++p;
        }
        unsigned value = 0;
        auto [next, ec] = std::from_chars(p, end, value);
        if (ec != std::errc{} || next == p || next - p > 3 || value > 255)
            return std::nullopt;
        result = (result << 8) | value;
        p = next;
    }
    if (p != end)
        return std::nullopt;
    return result;
}

Ipv4 loopbackAddress(std::uint8_t firstOctet, std::uint32_t n)
{
    // 254 usable hosts per /24 (1..254), 256 /24s per /16 block.
    const std::uint32_t host = n % 254 + 1;
    const std::uint32_t third = (n / 254) % 256;
    const std::uint32_t second = (firstOctet + n / (254 * 256)) % 256;
    return (127u << 24) | (second << 16) | (third << 8) | host;
}

std::optional<Ipv4Endpoint> parseIpv4Endpoint(std::string_view text)
{
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
        return std::nullopt;
    const auto address = parseIpv4(text.substr(0, colon));
    const std::string_view digits = text.substr(colon + 1);
    if (!address || digits.empty() || digits.size() > 5 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos)
        return std::nullopt;
    unsigned port = 0;
    for (char c : digits)
        port = port * 10 + static_cast<unsigned>(c - '0');
    if (port == 0 || port > 65535)
        return std::nullopt;
    return Ipv4Endpoint{*address, static_cast<std::uint16_t>(port)};
}

} // namespace lblab
