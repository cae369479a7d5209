#pragma once

#include <concepts>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace lblab {

/// Fixed-point text of `value` with `decimals` digits after a '.', whatever the C++ or C locale says.
std::string formatDecimal(double value, int decimals);

/// Builds RFC 4180 rows into a string: fields separated by ',', quoted only when they hold a
/// comma, quote, CR or LF (quotes doubled), rows ended by CRLF. Numbers never depend on the locale.
class CsvWriter {
public:
    /// RFC 4180's record separator.
    static constexpr std::string_view kLineEnd = "\r\n";

    /// Appends rows to `out` (which the caller owns and may flush at any row boundary).
    explicit CsvWriter(std::string& out) : m_out(out) {}

    /// Appends a text field, quoted when it must be.
    CsvWriter& field(std::string_view text);
    /// Appends a C string field (keeps literals from choosing the bool overload).
    CsvWriter& field(const char* text) { return field(std::string_view(text)); }
    /// Appends an integer field.
    template <std::integral T>
    CsvWriter& field(T value)
    {
        if constexpr (std::is_same_v<T, bool>)
            return raw(value ? "1" : "0");
        else if constexpr (std::is_signed_v<T>)
            return signedField(static_cast<std::int64_t>(value));
        else
            return unsignedField(static_cast<std::uint64_t>(value));
    }
    /// Appends a fixed-point field with `decimals` digits after '.'.
    CsvWriter& decimal(double value, int decimals);
    /// Appends `micros / 1000` as milliseconds with exactly three decimals, computed exactly.
    CsvWriter& millis(std::int64_t micros);
    /// Ends the current row.
    void endRow();
    /// Appends a whole row of text fields.
    void row(const std::vector<std::string_view>& fields);

    /// True when a field must be quoted (comma, quote, CR, LF).
    static bool needsQuotes(std::string_view text);
    /// The field as it appears in a file: as is, or quoted with inner quotes doubled.
    static std::string quote(std::string_view text);

private:
    CsvWriter& raw(std::string_view text);
    CsvWriter& signedField(std::int64_t value);
    CsvWriter& unsignedField(std::uint64_t value);
    void separator();

    std::string& m_out;
    bool m_rowStarted = false;
};

/// Writes `text` to `out`; throws std::runtime_error naming `what` when the stream fails.
void writeOrThrow(std::ostream& out, std::string_view text, std::string_view what);

} // namespace lblab
