#include "core/record/events_csv.h"

#include "core/record/csv_reader.h"
#include "core/record/csv_writer.h"
#include "core/record/reason_code.h"
#include "core/record/why_text.h"

#include <algorithm>
#include <charconv>

namespace lblab::events_csv {
namespace {

// Positions of the columns exportRow reads (kHeader's order).
enum Column : std::size_t { kClientIp = 2, kSessionKey = 3, kDecision = 7, kBackend = 8, kStatus = 9, kColumns = 14 };

int indexOfName(std::vector<std::string>& names, const std::string& name)
{
    if (name.empty())
        return -1;
    const auto it = std::find(names.begin(), names.end(), name);
    if (it != names.end())
        return static_cast<int>(it - names.begin());
    names.push_back(name);
    return static_cast<int>(names.size() - 1);
}

} // namespace

void appendLeadingFields(std::string& out, const RequestEvent& e)
{
    CsvWriter w(out);
    w.millis(e.tUs)
        .field(e.clientId)
        .field(formatIpv4(e.clientIp))
        .field(e.sessionKey)
        .field(e.method)
        .field(e.path)
        .field(e.policy)
        .field(toString(e.decision))
        .field(e.backend >= 0 ? std::string_view(e.backendName) : std::string_view())
        .field(e.status)
        .field(e.latencyUs)
        .field(toString(e.session));
    out += ',';
}

void appendKeptWhy(std::string& out, const RequestEvent& event)
{
    if (event.why.empty())
        reason_code::append(out, event.reason);
    else
        out += event.why;
}

void appendExportedRow(std::string& out, std::string_view row, std::vector<std::string>& names)
{
    std::string_view body = row;
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r'))
        body.remove_suffix(1);
    const std::size_t comma = body.rfind(',');
    const auto reason = comma == std::string_view::npos ? std::nullopt : reason_code::parse(body.substr(comma + 1));
    const auto parsed = reason ? CsvReader::parse(body) : CsvReader::Result{};
    if (!reason || !parsed.ok() || parsed.rows.size() != 1 || parsed.rows[0].size() != kColumns) {
        out += row;
        return;
    }
    const CsvReader::Row& fields = parsed.rows[0];
    RequestEvent e;
    e.clientIp = parseIpv4(fields[kClientIp]).value_or(0);
    e.sessionKey = fields[kSessionKey];
    e.decision = parseDecisionKind(fields[kDecision]).value_or(DecisionKind::NoBackend);
    e.backend = indexOfName(names, fields[kBackend]);
    const std::string& status = fields[kStatus];
    std::from_chars(status.data(), status.data() + status.size(), e.status);
    e.reason = *reason;
    out.append(body.substr(0, comma + 1));
    CsvWriter w(out);
    w.field(whyText(e, names));
    w.endRow();
}

} // namespace lblab::events_csv
