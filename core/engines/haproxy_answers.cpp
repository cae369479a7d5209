#include "core/engines/haproxy_answers.h"

#include <charconv>
#include <stdexcept>

namespace lblab {

namespace {

/// The next line of `text` (without '\n' or '\r'), consumed from it.
std::string_view nextLine(std::string_view& text)
{
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    return line;
}

void splitCsv(std::string_view line, std::vector<std::string_view>& cells)
{
    cells.clear();
    for (;;) {
        const auto comma = line.find(',');
        cells.push_back(line.substr(0, comma));
        if (comma == std::string_view::npos)
            return;
        line.remove_prefix(comma + 1);
    }
}

template <typename T>
T number(std::string_view text)
{
    T value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value); // empty or odd text stays 0
    return value;
}

std::string quoted(std::string_view text)
{
    const auto firstLine = text.substr(0, text.find('\n'));
    return "\"" + std::string(firstLine.substr(0, 200)) + "\"";
}

} // namespace

std::vector<HaproxyServerStat> parseShowStat(std::string_view csv)
{
    std::vector<HaproxyServerStat> rows;
    std::vector<std::string_view> cells;
    std::string_view text = csv;
    std::string_view header;
    while (!text.empty() && header.empty()) {
        const auto line = nextLine(text);
        if (line.starts_with("# "))
            header = line.substr(2);
        else if (!line.empty())
            break;
    }
    if (header.empty())
        throw std::runtime_error("show stat: no \"# pxname,svname,...\" header in the answer " + quoted(csv));
    splitCsv(header, cells);
    constexpr std::size_t npos = std::string_view::npos;
    std::size_t px = npos, sv = npos, status = npos, weight = npos, scur = npos, stot = npos, check = npos;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const auto name = cells[i];
        if (name == "pxname") px = i;
        else if (name == "svname") sv = i;
        else if (name == "status") status = i;
        else if (name == "weight") weight = i;
        else if (name == "scur") scur = i;
        else if (name == "stot") stot = i;
        else if (name == "check_status") check = i;
    }
    if (px == npos || sv == npos)
        throw std::runtime_error("show stat: the header names no pxname or svname column");
    auto cell = [&cells](std::size_t i) { return i < cells.size() ? cells[i] : std::string_view{}; };
    while (!text.empty()) {
        const auto line = nextLine(text);
        if (line.empty() || line.front() == '#')
            continue;
        splitCsv(line, cells);
        const auto server = cell(sv);
        if (server.empty() || server == "FRONTEND" || server == "BACKEND")
            continue;
        HaproxyServerStat row;
        row.proxy = cell(px);
        row.server = server;
        row.status = cell(status);
        row.weight = number<int>(cell(weight));
        row.current = number<long>(cell(scur));
        row.total = number<long>(cell(stot));
        row.checkStatus = cell(check);
        rows.push_back(std::move(row));
    }
    return rows;
}

std::vector<HaproxyTableRow> parseShowTable(std::string_view text)
{
    std::vector<HaproxyTableRow> rows;
    std::string_view rest = text;
    bool sawTable = false;
    while (!rest.empty()) {
        const auto line = nextLine(rest);
        if (line.empty())
            continue;
        if (line.starts_with("# table:")) {
            sawTable = true;
            continue;
        }
        if (line.front() == '#')
            continue;
        const auto keyAt = line.find(" key=");
        if (!sawTable || keyAt == std::string_view::npos)
            throw std::runtime_error("show table: not a table in the answer " + quoted(text));
        std::string_view fields = line.substr(keyAt + 1);
        HaproxyTableRow row;
        // The key runs to the first " name=" of the known fields after it (a string key may hold spaces).
        auto keyEnd = fields.find(" use=");
        if (keyEnd == std::string_view::npos)
            keyEnd = fields.find(' ');
        row.key = fields.substr(4, keyEnd == std::string_view::npos ? std::string_view::npos : keyEnd - 4);
        fields.remove_prefix(keyEnd == std::string_view::npos ? fields.size() : keyEnd + 1);
        while (!fields.empty()) {
            const auto space = fields.find(' ');
            const auto field = fields.substr(0, space);
            fields.remove_prefix(space == std::string_view::npos ? fields.size() : space + 1);
            const auto equals = field.find('=');
            if (equals == std::string_view::npos)
                continue;
            const auto name = field.substr(0, equals);
            const auto value = field.substr(equals + 1);
            if (name == "server_id")
                row.serverId = number<int>(value);
            else if (name == "exp")
                row.expireMs = number<long>(value);
            else if (name == "server_key")
                row.serverKey = value;
            else if (name == "http_req_cnt")
                row.requests = number<long>(value);
        }
        rows.push_back(std::move(row));
    }
    if (!sawTable)
        throw std::runtime_error("show table: not a table in the answer " + quoted(text));
    return rows;
}

} // namespace lblab
