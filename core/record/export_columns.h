#pragma once

#include "core/record/csv_reader.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lblab {

/// The columns of one CSV file of an export read back (events.csv, servers.csv, changes.csv),
/// looked up once by name: a required column that is missing is an error naming the file, an
/// optional one leaves a note saying what the replay does without it. Its static helpers read the
/// values the same way for every file, so a bad one is always reported as "file: line N: ...".
class ExportColumns {
public:
    /// The columns of `header`, from the file called `file`; notes go to `notes`.
    ExportColumns(const CsvReader::Row& header, std::string file, std::vector<std::string>& notes);

    /// The index of column `name`; throws std::runtime_error naming file and column if it is missing.
    std::size_t required(std::string_view name) const;
    /// The index of column `name`, or nullopt with a note that says `consequence`.
    std::optional<std::size_t> optional(std::string_view name, const std::string& consequence);

    /// Reads a whole export file; throws std::runtime_error naming `name` when it is missing,
    /// malformed or has no header row.
    static CsvReader::Result readFile(const std::filesystem::path& file, const std::string& name);
    /// Throws std::runtime_error "file: problem".
    [[noreturn]] static void fail(const std::string& file, const std::string& problem);
    /// "line N" of record `row` (the header is record 0).
    static std::string lineOf(std::size_t row);
    /// A finite number in C notation (any locale), or nullopt.
    static std::optional<double> number(std::string_view text);
    /// Milliseconds (a t_ms) as whole microseconds.
    static std::int64_t msToUs(double ms);
    /// The field in `column` of `row`, empty when there is no such column.
    static const std::string& cell(const CsvReader::Row& row, std::optional<std::size_t> column);

private:
    const CsvReader::Row& m_header;
    std::string m_file;
    std::vector<std::string>& m_notes;
};

} // namespace lblab
