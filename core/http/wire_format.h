#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace lblab {

/// Appends HTTP/1.x text into a reused string, so a whole message head is formatted in place and
/// sent with one write. Nothing here allocates once the string has the capacity.
namespace wire {

/// Appends the decimal text of `n`.
inline void appendNumber(std::string& out, std::uint64_t n)
{
    char text[24];
    const auto end = std::to_chars(text, text + sizeof text, n).ptr;
    out.append(text, static_cast<std::size_t>(end - text));
}

/// Appends "HTTP/1.1" (or the message's version, e.g. "HTTP/1.0"); `version` is 10 * major + minor.
inline void appendVersion(std::string& out, unsigned version)
{
    const char text[] = {'H', 'T', 'T', 'P', '/', static_cast<char>('0' + version / 10 % 10), '.',
                         static_cast<char>('0' + version % 10)};
    out.append(text, sizeof text);
}

/// Appends "HTTP/1.1 200 OK\r\n".
inline void appendStatusLine(std::string& out, unsigned version, unsigned status, std::string_view reason)
{
    appendVersion(out, version);
    out += ' ';
    appendNumber(out, status);
    out += ' ';
    out += reason;
    out += "\r\n";
}

/// Appends "Name: value\r\n".
inline void appendField(std::string& out, std::string_view name, std::string_view value)
{
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
}

/// Appends the dotted quad of an address in host byte order, e.g. "127.0.3.17".
inline void appendIpv4(std::string& out, std::uint32_t address)
{
    for (int shift = 24; shift >= 0; shift -= 8) {
        appendNumber(out, (address >> shift) & 0xFF);
        if (shift > 0)
            out += '.';
    }
}

/// The standard reason phrase of a status ("Bad Gateway"), "" for unknown codes.
std::string_view reasonPhrase(unsigned status);

} // namespace wire
} // namespace lblab
