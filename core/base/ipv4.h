#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lblab {

/// An IPv4 address in host byte order (127.0.3.17 is 0x7F000311).
using Ipv4 = std::uint32_t;

/// Dotted-quad text of an address, e.g. "127.0.3.17".
std::string formatIpv4(Ipv4 address);
/// Parses a dotted quad; nullopt when the text is not exactly one.
std::optional<Ipv4> parseIpv4(std::string_view text);
/// An IPv4 address and a port, as "ADDR:PORT" names a server the lab did not start.
struct Ipv4Endpoint {
    Ipv4 address = 0;
    std::uint16_t port = 0;
};
/// Parses "ADDR:PORT" (a dotted quad, a port 1..65535 in decimal digits); nullopt otherwise. The one
/// rule for a scenario's "address" and the lab that connects to it (--backend checks the same shape
/// part by part, to say which part is wrong).
std::optional<Ipv4Endpoint> parseIpv4Endpoint(std::string_view text);
/// The n-th usable loopback address of a block starting at 127.`firstOctet`.0.1, skipping .0 and .255.
Ipv4 loopbackAddress(std::uint8_t firstOctet, std::uint32_t n);

} // namespace lblab
