#include "core/record/csv_reader.h"

#include <fstream>
#include <istream>
#include <iterator>

namespace lblab {

namespace {

CsvReader::Result failure(std::size_t line, const std::string& reason)
{
    CsvReader::Result result;
    result.errorLine = line;
    result.error = "line " + std::to_string(line) + ": " + reason;
    return result;
}

} // namespace

CsvReader::Result CsvReader::parse(std::string_view text)
{
    if (text.starts_with("\xEF\xBB\xBF"))
        text.remove_prefix(3);

    Result result;
    Row row;
    std::string field;
    std::size_t line = 1;
    std::size_t i = 0;
    const std::size_t n = text.size();

    // Consumes a line end at i (CRLF, LF, or a lone CR); true when there was one.
    auto lineEnd = [&]() {
        if (text[i] == '\r') {
            i += (i + 1 < n && text[i + 1] == '\n') ? 2 : 1;
            return true;
        }
        if (text[i] == '\n') {
            ++i;
            return true;
        }
        return false;
    };

    while (i < n) {
        // At the start of a field.
        if (text[i] == '"') {
            const std::size_t openedOn = line;
            ++i;
            for (;;) {
                if (i >= n)
                    return failure(openedOn, "unterminated quoted field");
                const char c = text[i];
                if (c == '"') {
                    if (i + 1 < n && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                if (c == '\n' || (c == '\r' && !(i + 1 < n && text[i + 1] == '\n')))
                    ++line;
                field += c;
                ++i;
            }
            if (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n')
                return failure(line, "unexpected character after a closing quote");
        } else {
            while (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
                if (text[i] == '"')
                    return failure(line, "quote inside an unquoted field");
                field += text[i];
                ++i;
            }
        }
        row.push_back(std::move(field));
        field.clear();
        if (i >= n)
            break;
        if (text[i] == ',') {
            ++i;
            if (i >= n)
                row.emplace_back(); // "a," ends with an empty field
            continue;
        }
        lineEnd();
        ++line;
        result.rows.push_back(std::move(row));
        row.clear();
    }
    if (!row.empty())
        result.rows.push_back(std::move(row));
    return result;
}

CsvReader::Result CsvReader::read(std::istream& in)
{
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad())
        return failure(0, "the stream could not be read");
    return parse(text);
}

CsvReader::Result CsvReader::readFile(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return failure(0, "cannot open " + path.string());
    return read(in);
}

std::optional<std::size_t> CsvReader::column(const Row& header, std::string_view name)
{
    for (std::size_t i = 0; i < header.size(); ++i)
        if (header[i] == name)
            return i;
    return std::nullopt;
}

} // namespace lblab
