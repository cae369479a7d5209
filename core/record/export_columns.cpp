#include "core/record/export_columns.h"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <system_error>

namespace lblab {

ExportColumns::ExportColumns(const CsvReader::Row& header, std::string file, std::vector<std::string>& notes)
    : m_header(header), m_file(std::move(file)), m_notes(notes)
{
}

std::size_t ExportColumns::required(std::string_view name) const
{
    const auto c = CsvReader::column(m_header, name);
    if (!c)
        fail(m_file, "required column '" + std::string(name) + "' is missing");
    return *c;
}

std::optional<std::size_t> ExportColumns::optional(std::string_view name, const std::string& consequence)
{
    const auto c = CsvReader::column(m_header, name);
    if (!c)
        m_notes.push_back(m_file + " has no '" + std::string(name) + "' column (older export): " + consequence);
    return c;
}

CsvReader::Result ExportColumns::readFile(const std::filesystem::path& file, const std::string& name)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        fail(name, "missing (expected " + file.string() + ")");
    CsvReader::Result r = CsvReader::readFile(file);
    if (!r.ok())
        fail(name, r.error);
    if (r.rows.empty())
        fail(name, "empty file (no header row)");
    return r;
}

void ExportColumns::fail(const std::string& file, const std::string& problem)
{
    throw std::runtime_error(file + ": " + problem);
}

std::string ExportColumns::lineOf(std::size_t row)
{
    // Rows are records, the header is record 0; for exports without line breaks in fields this is the
    // physical line too, which is what a reader opening the file in an editor looks for.
    return "line " + std::to_string(row + 1);
}

std::optional<double> ExportColumns::number(std::string_view text)
{
    if (text.empty())
        return std::nullopt;
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

std::int64_t ExportColumns::msToUs(double ms) { return static_cast<std::int64_t>(std::llround(ms * 1000.0)); }

const std::string& ExportColumns::cell(const CsvReader::Row& row, std::optional<std::size_t> column)
{
    static const std::string empty;
    return column && *column < row.size() ? row[*column] : empty;
}

} // namespace lblab
