#pragma once

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lblab {

/// Reads RFC 4180 text: quoted fields, doubled quotes, commas and line breaks inside quotes,
/// CRLF or LF line ends, an optional UTF-8 byte order mark. Strict about malformed quoting.
class CsvReader {
public:
    /// One record's fields.
    using Row = std::vector<std::string>;

    /// Rows, or what went wrong and on which line.
    struct Result {
        std::vector<Row> rows;   ///< every record, the header included
        std::string error;       ///< "" when the text parsed; else "line N: reason"
        std::size_t errorLine = 0; ///< 1-based physical line of the error (0: none)

        /// True when the text parsed.
        bool ok() const { return error.empty(); }
    };

    /// Parses a whole text.
    static Result parse(std::string_view text);
    /// Reads a stream to its end and parses it.
    static Result read(std::istream& in);
    /// Reads and parses a file; a file that cannot be opened is an error on line 0.
    static Result readFile(const std::filesystem::path& path);

    /// Index of the column named `name` in a header row.
    static std::optional<std::size_t> column(const Row& header, std::string_view name);
};

} // namespace lblab
