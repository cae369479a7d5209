#include "core/lab/run_summary.h"

#include "core/record/csv_writer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <sstream>

namespace lblab {

RunSummary RunSummary::make(std::string preset, std::string policy, double durationSeconds,
                            std::uint64_t seed, const Totals& totals,
                            const std::vector<BackendRunStats>& stats,
                            const std::vector<BackendGauge>& gauges, std::size_t tableSize)
{
    RunSummary summary;
    summary.preset = std::move(preset);
    summary.policy = std::move(policy);
    summary.durationSeconds = durationSeconds;
    summary.seed = seed;
    summary.totals = totals;
    summary.tableSize = tableSize;

    const std::size_t n = std::max(stats.size(), gauges.size());
    summary.servers.resize(n);
    std::uint64_t proxied = 0;
    for (std::size_t i = 0; i < n; ++i) {
        Server& s = summary.servers[i];
        BackendState state = BackendState::Up;
        if (i < stats.size()) {
            const BackendRunStats& st = stats[i];
            s.name = st.name;
            s.requests = st.requests;
            s.p50Us = st.p50Us;
            s.p99Us = st.p99Us;
            s.errors = st.errors;
            s.sessionMisses = st.sessionMisses;
        }
        if (i < gauges.size()) {
            const BackendGauge& g = gauges[i];
            if (!g.name.empty())
                s.name = g.name;
            s.sessions = g.sessions;
            s.weight = g.weight;
            state = g.state;
        }
        if (s.name.empty()) {
            // to_chars, because GCC 12 warns falsely (-Wrestrict) on "s" + std::to_string(...).
            char text[24] = "s";
            const auto end = std::to_chars(text + 1, text + sizeof text, i + 1).ptr;
            s.name.assign(text, end);
        }
        s.status = std::string(toString(state));
        proxied += s.requests;
    }

    // A share is of every request proxied to any server, so shares add up to 1 even when a
    // server was removed mid-run; fairness asks how even the servers still in the set were.
    std::uint64_t sum = 0;
    double sumSquares = 0;
    std::uint64_t busiest = 0;
    std::size_t counted = 0;
    for (Server& s : summary.servers) {
        s.share = proxied ? static_cast<double>(s.requests) / static_cast<double>(proxied) : 0.0;
        if (s.status == toString(BackendState::Removed))
            continue;
        ++counted;
        sum += s.requests;
        sumSquares += static_cast<double>(s.requests) * static_cast<double>(s.requests);
        busiest = std::max(busiest, s.requests);
    }
    if (counted == 0) {
        summary.jain = 1.0;
        summary.maxOverMean = 0.0;
    } else if (sum == 0) {
        summary.jain = 1.0; // nothing to share is shared evenly
        summary.maxOverMean = 1.0;
    } else {
        const double total = static_cast<double>(sum);
        summary.jain = total * total / (static_cast<double>(counted) * sumSquares);
        summary.maxOverMean = static_cast<double>(busiest) / (total / static_cast<double>(counted));
    }
    return summary;
}

namespace {

double missRate(const Totals& t)
{
    return t.sessionRequests ? static_cast<double>(t.sessionMisses) /
                                   static_cast<double>(t.sessionRequests)
                             : 0.0;
}

} // namespace

std::string RunSummary::toJson() const
{
    // ordered_json keeps docs/csv-format.md's field order, which makes the file easy to read.
    nlohmann::ordered_json j;
    j["preset"] = preset;
    j["engine"] = engine;
    j["session_store"] = sessionStore;
    j["policy"] = policy;
    j["duration_s"] = durationSeconds;
    j["seed"] = seed;
    j["users"] = users;
    j["requests"] = totals.requests;
    j["errors"] = totals.errors;
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const Server& s : servers) {
        nlohmann::ordered_json o;
        o["name"] = s.name;
        o["requests"] = s.requests;
        o["share"] = s.share;
        o["p50_us"] = s.p50Us;
        o["p99_us"] = s.p99Us;
        o["sessions"] = s.sessions;
        o["status"] = s.status;
        o["weight"] = s.weight;
        o["errors"] = s.errors;
        o["session_misses"] = s.sessionMisses;
        list.push_back(std::move(o));
    }
    j["servers"] = std::move(list);
    j["sessions"] = {{"requests", totals.sessionRequests},
                     {"misses", totals.sessionMisses},
                     {"miss_rate", missRate(totals)},
                     {"invalid", totals.invalidSessions}};
    j["store"] = {{"requests", store.ops},
                  {"errors", store.errors},
                  {"p50_added_us", store.p50Us},
                  {"p99_added_us", store.p99Us},
                  {"invalid_tokens", store.invalidTokens},
                  {"tokens", store.tokens},
                  {"token_bytes", store.tokenBytes},
                  {"mean_token_bytes", store.meanTokenBytes()}};
    j["ip_changes"] = totals.ipChanges;
    j["affinity_breaks"] = totals.affinityBreaks;
    j["repins"] = totals.repins;
    j["remapped_clients"] = totals.remappedClients;
    j["retries"] = totals.retries;
    j["table_size"] = tableSize;
    j["fairness"] = {{"jain", jain}, {"max_over_mean", maxOverMean}};
    j["capture"] = {{"dropped_events", totals.droppedEvents},
                    {"dropped_lab_events", totals.droppedLabEvents},
                    {"untracked_clients", totals.untrackedClients}};
    return j.dump(2);
}

std::string RunSummary::toTable() const
{
    using Cells = std::vector<std::string>;
    const Cells header{"server", "status", "weight", "requests", "share", "p50 ms", "p99 ms",
                       "sessions", "misses"};
    // Text columns are left-aligned, numbers right-aligned.
    const std::vector<bool> numeric{false, false, true, true, true, true, true, true, true};
    std::vector<Cells> rows{header};
    for (const Server& s : servers) {
        rows.push_back({s.name, s.status, std::to_string(s.weight), std::to_string(s.requests),
                        formatDecimal(s.share * 100.0, 1) + " %",
                        formatDecimal(s.p50Us / 1000.0, 2), formatDecimal(s.p99Us / 1000.0, 2),
                        std::to_string(s.sessions), std::to_string(s.sessionMisses)});
    }
    std::vector<std::size_t> width(header.size(), 0);
    for (const Cells& r : rows)
        for (std::size_t c = 0; c < r.size(); ++c)
            width[c] = std::max(width[c], r[c].size());

    std::ostringstream out;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        std::string line;
        for (std::size_t c = 0; c < rows[r].size(); ++c) {
            const std::string& cell = rows[r][c];
            const std::string pad(width[c] - cell.size(), ' ');
            if (c > 0)
                line += "  ";
            line += numeric[c] ? pad + cell : cell + pad;
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out << line << '\n';
        if (r == 0) {
            std::size_t total = 0;
            for (std::size_t w : width)
                total += w;
            out << std::string(total + 2 * (width.size() - 1), '-') << '\n';
        }
    }

    out << '\n';
    out << "preset " << preset << (engine == "builtin" ? std::string() : ", engine " + engine) << ", policy " << policy << ", " << formatDecimal(durationSeconds, 1)
        << " s, seed " << seed << ", " << users << " users\n";
    out << "requests         " << totals.requests << " (" << totals.errors << " errors)\n";
    out << "session requests " << totals.sessionRequests << ", misses " << totals.sessionMisses
        << " (" << formatDecimal(missRate(totals) * 100.0, 1) << " %)\n";
    if (sessionStore != "local") {
        out << "session store    " << sessionStore << ": " << store.ops << " operations, " << store.errors
            << " failed, added p50 " << formatDecimal(store.p50Us / 1000.0, 3) << " ms, p99 "
            << formatDecimal(store.p99Us / 1000.0, 3) << " ms";
        if (store.tokens > 0)
            out << ", cookie " << formatDecimal(store.meanTokenBytes(), 0) << " bytes per request";
        if (totals.invalidSessions > 0)
            out << ", " << totals.invalidSessions << " invalid tokens refused";
        out << '\n';
    }
    out << "IP changes       " << totals.ipChanges << ", affinity breaks " << totals.affinityBreaks
        << '\n';
    out << "re-pins          " << totals.repins << ", retries " << totals.retries << '\n';
    out << "remapped clients " << totals.remappedClients << '\n';
    out << "table size       " << tableSize << '\n';
    out << "fairness         Jain " << formatDecimal(jain, 3) << ", max/mean "
        << formatDecimal(maxOverMean, 2) << '\n';
    if (totals.droppedEvents > 0)
        out << "dropped events   " << totals.droppedEvents << " (the spill file could not be written)\n";
    return out.str();
}

} // namespace lblab
