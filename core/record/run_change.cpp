#include "core/record/run_change.h"

#include "core/record/csv_writer.h"
#include "core/record/export_columns.h"

#include <cmath>

namespace lblab {

std::string_view toString(RunChange::Kind kind)
{
    using K = RunChange::Kind;
    switch (kind) {
    case K::RunStarted: return "run-started";
    case K::IpChanged: return "ip-changed";
    case K::TopologyChanged: return "topology-changed";
    case K::BackendDown: return "server-down";
    case K::BackendUp: return "server-up";
    case K::BackendDraining: return "server-draining";
    case K::BackendAdded: return "server-added";
    case K::BackendRemoved: return "server-removed";
    case K::WeightChanged: return "weight-changed";
    case K::PolicySwitched: return "policy-switched";
    }
    return "run-started";
}

std::optional<RunChange::Kind> parseRunChangeKind(std::string_view text)
{
    for (int i = 0; i <= static_cast<int>(RunChange::Kind::PolicySwitched); ++i)
        if (toString(static_cast<RunChange::Kind>(i)) == text)
            return static_cast<RunChange::Kind>(i);
    return std::nullopt;
}

void RunChange::appendCsvRow(std::string& out) const
{
    const bool addresses = kind == Kind::IpChanged;
    CsvWriter w(out);
    w.millis(tUs)
        .field(afterSeq)
        .field(toString(kind))
        .field(clientId)
        .field(addresses ? formatIpv4(oldIp) : std::string())
        .field(addresses ? formatIpv4(newIp) : std::string())
        .field(server)
        .field(policy)
        .field(detail);
    w.endRow();
}

std::vector<RunChange> RunChange::readCsv(const std::filesystem::path& file, std::vector<std::string>& notes)
{
    std::vector<RunChange> changes;
    const std::string name = "changes.csv";
    const CsvReader::Result csv = ExportColumns::readFile(file, name);
    ExportColumns cols(csv.rows[0], name, notes);
    const auto t = cols.required("t_ms");
    const auto afterSeq = cols.required("after_seq");
    const auto kind = cols.required("kind");
    const auto clientId = cols.required("client_id");
    const auto oldIp = cols.required("old_ip");
    const auto newIp = cols.required("new_ip");
    const auto server = cols.required("server");
    const auto policy = cols.required("policy");
    const auto detail = cols.optional("detail", "change details are shown empty");
    auto fail = [&](std::size_t r, const std::string& problem) {
        ExportColumns::fail(name, ExportColumns::lineOf(r) + ": " + problem);
    };
    std::size_t unknownKinds = 0;
    for (std::size_t r = 1; r < csv.rows.size(); ++r) {
        const auto& row = csv.rows[r];
        if (row.size() == 1 && row[0].empty())
            continue;
        if (row.size() < csv.rows[0].size())
            fail(r, std::to_string(row.size()) + " fields, the header has " + std::to_string(csv.rows[0].size()));
        RunChange c;
        const auto ms = ExportColumns::number(row[t]);
        if (!ms || *ms < 0)
            fail(r, "t_ms '" + row[t] + "' is not a time");
        c.tUs = ExportColumns::msToUs(*ms);
        const auto after = ExportColumns::number(row[afterSeq]);
        if (!after || *after < 0 || *after != std::floor(*after))
            fail(r, "after_seq '" + row[afterSeq] + "' is not a request count");
        c.afterSeq = static_cast<std::uint64_t>(*after);
        const auto k = parseRunChangeKind(row[kind]);
        if (!k) {
            ++unknownKinds; // a newer export's kind: shown nowhere, counted nowhere
            continue;
        }
        c.kind = *k;
        c.clientId = row[clientId];
        if (c.kind == RunChange::Kind::IpChanged) {
            const auto from = parseIpv4(row[oldIp]);
            const auto to = parseIpv4(row[newIp]);
            if (!from || !to)
                fail(r, "ip-changed needs old_ip and new_ip, got '" + row[oldIp] + "' and '" + row[newIp] + "'");
            c.oldIp = *from;
            c.newIp = *to;
        }
        c.server = row[server];
        c.policy = row[policy];
        c.detail = ExportColumns::cell(row, detail);
        changes.push_back(std::move(c));
    }
    if (unknownKinds > 0)
        notes.push_back("changes.csv: " + std::to_string(unknownKinds) +
                        " rows name a kind of change this version does not know: ignored");
    return changes;
}

} // namespace lblab
