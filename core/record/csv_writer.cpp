#include "core/record/csv_writer.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <cmath>
#include <ostream>
#include <stdexcept>

namespace lblab {

std::string formatDecimal(double value, int decimals)
{
    if (!std::isfinite(value))
        value = 0; // CSV and JSON readers choke on "inf"/"nan"; a rate of nothing is 0
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed,
                                   decimals);
    if (ec != std::errc{})
        return "0";
    return std::string(buffer, end);
}

bool CsvWriter::needsQuotes(std::string_view text)
{
    return text.find_first_of(",\"\r\n") != std::string_view::npos;
}

std::string CsvWriter::quote(std::string_view text)
{
    if (!needsQuotes(text))
        return std::string(text);
    std::string quoted;
    quoted.reserve(text.size() + 2);
    quoted += '"';
    for (char c : text) {
        if (c == '"')
            quoted += '"';
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

void CsvWriter::separator()
{
    if (m_rowStarted)
        m_out += ',';
    m_rowStarted = true;
}

CsvWriter& CsvWriter::field(std::string_view text)
{
    separator();
    if (!needsQuotes(text)) {
        m_out += text;
        return *this;
    }
    m_out += '"';
    for (char c : text) {
        if (c == '"')
            m_out += '"';
        m_out += c;
    }
    m_out += '"';
    return *this;
}

CsvWriter& CsvWriter::raw(std::string_view text)
{
    separator();
    m_out += text;
    return *this;
}

CsvWriter& CsvWriter::signedField(std::int64_t value)
{
    char buffer[24];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    (void)ec; // 24 chars always hold an int64
    return raw(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
}

CsvWriter& CsvWriter::unsignedField(std::uint64_t value)
{
    char buffer[24];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    (void)ec;
    return raw(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
}

CsvWriter& CsvWriter::decimal(double value, int decimals)
{
    return raw(formatDecimal(value, decimals));
}

CsvWriter& CsvWriter::millis(std::int64_t micros)
{
    // Integer arithmetic keeps 1234567 us exactly "1234.567", with no binary rounding.
    char buffer[32];
    char* p = buffer;
    std::uint64_t magnitude = micros < 0 ? 0 - static_cast<std::uint64_t>(micros)
                                         : static_cast<std::uint64_t>(micros);
    if (micros < 0)
        *p++ = '-';
    auto [end, ec] = std::to_chars(p, buffer + sizeof buffer - 4, magnitude / 1000);
    (void)ec;
    const auto fraction = static_cast<unsigned>(magnitude % 1000);
    *end++ = '.';
    *end++ = static_cast<char>('0' + fraction / 100);
    *end++ = static_cast<char>('0' + fraction / 10 % 10);
    *end++ = static_cast<char>('0' + fraction % 10);
    return raw(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
}

void CsvWriter::endRow()
{
    m_out += kLineEnd;
    m_rowStarted = false;
}

void CsvWriter::row(const std::vector<std::string_view>& fields)
{
    for (std::string_view f : fields)
        field(f);
    endRow();
}

void writeOrThrow(std::ostream& out, std::string_view text, std::string_view what)
{
    errno = 0;
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out) {
        // File streams leave the OS reason (ENOSPC, EIO, ...) in errno; other streams leave none.
        const int error = errno;
        throw std::runtime_error("cannot write " + std::string(what) + ": " +
                                 (error != 0 ? std::string(std::strerror(error))
                                             : std::string("the output stream failed")));
    }
}

} // namespace lblab
