#include "core/record/run_replay.h"

#include "core/config/config_reader.h"
#include "core/config/scenario_error.h"
#include "core/engines/engine_catalog.h"
#include "core/record/csv_reader.h"
#include "core/record/export_columns.h"
#include "core/record/request_accounting.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <optional>
#include <stdexcept>
#include <unordered_map>

namespace lblab {

namespace {

constexpr std::string_view kFormat = "lblab-run/1";

template <typename Enum>
std::optional<Enum> parseEnum(std::string_view text, Enum last)
{
    for (int i = 0; i <= static_cast<int>(last); ++i)
        if (toString(static_cast<Enum>(i)) == text)
            return static_cast<Enum>(i);
    return std::nullopt;
}

// The export readers' helpers, by short names.
using Columns = ExportColumns;
[[noreturn]] void fail(const std::string& file, const std::string& problem) { ExportColumns::fail(file, problem); }
std::string lineOf(std::size_t row) { return ExportColumns::lineOf(row); }
std::optional<double> parseNumber(std::string_view text) { return ExportColumns::number(text); }
std::int64_t msToUs(double ms) { return ExportColumns::msToUs(ms); }
CsvReader::Result readCsv(const std::filesystem::path& file, const std::string& name)
{
    return ExportColumns::readFile(file, name);
}
const std::string& cell(const CsvReader::Row& row, std::optional<std::size_t> column)
{
    return ExportColumns::cell(row, column);
}

} // namespace

RunReplay RunReplay::load(const std::filesystem::path& dir)
{
    RunReplay r;
    r.m_dir = dir;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        throw std::runtime_error(dir.string() + ": not a folder");
    if (!std::filesystem::exists(dir / "events.csv", ec) && !std::filesystem::exists(dir / "servers.csv", ec) &&
        !std::filesystem::exists(dir / "run.json", ec))
        throw std::runtime_error(dir.string() + ": not an exported run (no events.csv, servers.csv or run.json)");
    r.readRunJson(dir / "run.json");
    // servers.csv lists the servers in the lab's own order, removed ones included; run.json's
    // config lists those in the set when the run ended (added ones last, removed ones left out).
    r.readServers(dir / "servers.csv");
    for (const auto& [name, region] : r.m_configBackends) {
        const int i = r.backendIndex(name);
        if (i >= 0)
            r.m_serverRegions[static_cast<std::size_t>(i)] = region;
    }
    r.readEvents(dir / "events.csv");
    r.readChanges(dir / "changes.csv");
    r.finish();
    return r;
}

int RunReplay::backendIndex(const std::string& name)
{
    const auto it = std::find(m_backendNames.begin(), m_backendNames.end(), name);
    if (it != m_backendNames.end())
        return static_cast<int>(it - m_backendNames.begin());
    if (m_backendNames.size() >= kMaxRecordedBackends) // a bogus name per row must not grow the list without bound
        return -1;
    m_backendNames.push_back(name);
    m_serverRegions.emplace_back();
    return static_cast<int>(m_backendNames.size() - 1);
}

int RunReplay::clientIndex(const std::string& id)
{
    // Generated users "cN" were all made up front from the configured groups; anyone else is outside.
    for (std::size_t i = 0; i < m_clients.size(); ++i)
        if (m_clients[i].id == id)
            return static_cast<int>(i);
    Client c;
    c.id = id;
    c.external = id.rfind("ext-", 0) == 0;
    c.group = c.external ? "outside" : "";
    m_clients.push_back(c);
    return static_cast<int>(m_clients.size() - 1);
}

void RunReplay::readRunJson(const std::filesystem::path& file)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
        m_notes.push_back("run.json is missing: no lab event log, server regions or client groups");
        return;
    }
    std::ifstream in(file, std::ios::binary);
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        fail("run.json", std::string("not valid JSON: ") + e.what());
    }
    if (!j.is_object())
        fail("run.json", "not a JSON object");
    try {
        const auto format = j.value("format", std::string());
        if (format.empty())
            m_notes.push_back("run.json has no 'format' (older export): read as " + std::string(kFormat));
        else if (format != kFormat)
            m_notes.push_back("run.json is format '" + format + "', this version reads " + std::string(kFormat) +
                              ": some of it may be ignored");
        // The scenario form is read by the one configuration reader (core/config/config_reader.h);
        // an export from before that form ("preset" instead of "name"), or a config the reader
        // refuses, is read for what it holds, with a note.
        const auto readWhatIsThere = [this](const nlohmann::json& c) {
            m_preset = c.value("name", c.value("preset", std::string()));
            m_engine = c.value("engine", std::string("builtin"));
            m_sessionStore = c.value("session_store", std::string("local"));
            m_policy = c.value("policy", std::string());
            m_seed = c.value("seed", std::uint64_t{0});
            m_requestRate = c.value("request_rate", 0.0);
            const double intervalMs = c.value("interval_ms", 500.0);
            if (intervalMs > 0)
                m_intervalUs = msToUs(intervalMs);
            if (c.contains("servers") && c["servers"].is_array())
                for (const auto& s : c["servers"])
                    m_configBackends.emplace_back(s.value("name", std::string()), s.value("region", std::string()));
            if (c.contains("clients") && c["clients"].is_array())
                for (const auto& g : c["clients"])
                    m_groups.emplace_back(g.value("name", std::string()), std::max(0, g.value("count", 0)));
        };
        if (j.contains("config") && j["config"].is_object() && j["config"].contains("preset")) {
            readWhatIsThere(j["config"]);
        } else if (j.contains("config") && j["config"].is_object()) {
            std::optional<LabConfig> config;
            try {
                config = ConfigReader::read(j["config"], "run.json", {});
            } catch (const ScenarioError& e) {
                m_notes.push_back("run.json's config is not a valid configuration (config." + e.fieldPath() + ": " +
                                  e.reason() + "): read for what it holds");
                readWhatIsThere(j["config"]);
            }
            if (config) {
                m_preset = config->preset;
                m_engine = std::string(EngineCatalog::id(config->engine));
                m_sessionStore = std::string(SessionStoreCatalog::id(config->sessionStore));
                m_policy = config->policy;
                m_seed = config->seed;
                m_requestRate = config->requestRate;
                m_intervalUs = msToUs(config->intervalMs);
                for (const auto& server : config->servers)
                    m_configBackends.emplace_back(server.name, server.region);
                for (const auto& group : config->clients)
                    m_groups.emplace_back(group.name, group.count);
            }
        } else {
            m_notes.push_back("run.json has no 'config': server regions and client groups are unknown");
        }
        if (j.contains("summary") && j["summary"].is_object()) {
            const auto& s = j["summary"];
            if (s.contains("duration_s") && s["duration_s"].is_number())
                m_durationUs = std::max<std::int64_t>(m_durationUs, msToUs(s["duration_s"].get<double>() * 1000.0));
            if (m_policy.empty())
                m_policy = s.value("policy", std::string());
            if (m_preset.empty())
                m_preset = s.value("preset", std::string());
            if (s.contains("duration_s") && s["duration_s"].is_number())
                m_summaryDurationS = s["duration_s"].get<double>();
            m_tableSize = s.value("table_size", std::size_t{0});
            // What the store did is not in the CSV files (no row says what a Redis call took): the
            // run's own figures are kept as the run recorded them.
            if (s.contains("store") && s["store"].is_object()) {
                const auto& st = s["store"];
                m_store.ops = st.value("requests", std::uint64_t{0});
                m_store.errors = st.value("errors", std::uint64_t{0});
                m_store.p50Us = st.value("p50_added_us", std::uint32_t{0});
                m_store.p99Us = st.value("p99_added_us", std::uint32_t{0});
                m_store.invalidTokens = st.value("invalid_tokens", std::uint64_t{0});
                m_store.tokens = st.value("tokens", std::uint64_t{0});
                m_store.tokenBytes = st.value("token_bytes", std::uint64_t{0});
            }
            if (s.contains("capture") && s["capture"].is_object()) {
                m_droppedEvents = s["capture"].value("dropped_events", std::uint64_t{0});
                m_droppedLabEvents = s["capture"].value("dropped_lab_events", std::uint64_t{0});
            }
        }
        if (j.contains("lab_events") && j["lab_events"].is_array()) {
            for (const auto& e : j["lab_events"]) {
                LabEvent le;
                le.tUs = msToUs(e.value("t_ms", 0.0));
                const auto kindText = e.value("kind", std::string());
                const auto kind = parseEnum(kindText, LabEventKind::AffinityBroken);
                le.kind = kind.value_or(LabEventKind::Note);
                le.subject = e.value("subject", std::string());
                le.detail = e.value("detail", std::string());
                if (!kind)
                    le.detail = "[" + kindText + "] " + le.detail;
                m_labEvents.push_back(std::move(le));
            }
        } else {
            m_notes.push_back("run.json has no 'lab_events': the event log is empty");
        }
    } catch (const nlohmann::json::exception& e) {
        fail("run.json", std::string("unexpected value: ") + e.what());
    }
    // The generated users, in the order the fleet made them, so the map's tiles never move.
    int next = 0;
    for (const auto& [name, count] : m_groups)
        for (int i = 0; i < count && m_clients.size() < 1'000'000; ++i)
            m_clients.push_back({"c" + std::to_string(next++), name, false});
    m_users = m_clients.size();
}

void RunReplay::readEvents(const std::filesystem::path& file)
{
    const std::string name = "events.csv";
    const CsvReader::Result csv = readCsv(file, name);
    Columns cols(csv.rows[0], name, m_notes);
    const auto t = cols.required("t_ms");
    const auto clientId = cols.required("client_id");
    const auto backend = cols.required("backend");
    const auto status = cols.required("status");
    const auto ip = cols.optional("client_ip", "client addresses are shown as 0.0.0.0");
    const auto key = cols.optional("session_key", "session keys are shown empty");
    const auto decision = cols.optional("decision", "decisions are shown as no-backend");
    const auto session = cols.optional("session", "session outcomes are shown as none");
    const auto policy = cols.optional("policy", "the policy is taken from run.json");
    const auto latency = cols.optional("latency_us", "latencies are shown as 0");
    const auto seq = cols.optional("seq", "requests are counted in arrival order, so affinity breaks and "
                                          "remapped clients may differ a little from the run's");
    m_seqKnown = seq.has_value();
    const auto why = cols.optional("why", "the reason of each decision is shown by its kind only (older export)");

    std::unordered_map<std::string, int> clients;
    for (std::size_t i = 0; i < m_clients.size(); ++i)
        clients.emplace(m_clients[i].id, static_cast<int>(i));
    std::size_t badDecisions = 0;
    for (std::size_t r = 1; r < csv.rows.size(); ++r) {
        const auto& row = csv.rows[r];
        if (row.size() == 1 && row[0].empty())
            continue; // a blank line
        if (row.size() < csv.rows[0].size())
            fail(name, lineOf(r) + ": " + std::to_string(row.size()) + " fields, the header has " +
                           std::to_string(csv.rows[0].size()));
        Event e;
        const auto ms = parseNumber(row[t]);
        if (!ms || *ms < 0)
            fail(name, lineOf(r) + ": t_ms '" + row[t] + "' is not a time");
        e.tUs = msToUs(*ms);
        const auto st = parseNumber(row[status]);
        if (!st || *st < 0 || *st > 999)
            fail(name, lineOf(r) + ": status '" + row[status] + "' is not an HTTP status");
        e.status = static_cast<unsigned>(*st);
        const auto [it, added] = clients.emplace(row[clientId], -1);
        if (added)
            it->second = clientIndex(row[clientId]);
        e.client = it->second;
        if (!row[backend].empty())
            e.backend = backendIndex(row[backend]);
        e.ip = parseIpv4(cell(row, ip)).value_or(0);
        e.sessionKey = cell(row, key);
        e.why = cell(row, why);
        if (decision) {
            const auto d = parseEnum(row[*decision], DecisionKind::NoBackend);
            badDecisions += d ? 0 : 1;
            e.decision = d.value_or(DecisionKind::NoBackend);
        } else {
            e.decision = e.backend >= 0 ? DecisionKind::RoundRobin : DecisionKind::NoBackend;
        }
        e.session = parseSessionOutcome(cell(row, session));
        if (latency && !row[*latency].empty()) {
            const auto us = parseNumber(row[*latency]);
            if (!us || *us < 0 || *us > 4e9)
                fail(name, lineOf(r) + ": latency_us '" + row[*latency] + "' is not a latency");
            e.latencyUs = static_cast<std::uint32_t>(*us);
        }
        e.countedUs = e.tUs;
        if (seq) {
            const auto n = parseNumber(row[*seq]);
            if (!n || *n < 1 || *n != std::floor(*n))
                fail(name, lineOf(r) + ": seq '" + row[*seq] + "' is not a request number");
            e.seq = static_cast<std::uint64_t>(*n);
            e.countedUs = e.tUs + e.latencyUs;
        }
        const std::string& p = cell(row, policy);
        if (!p.empty()) {
            auto found = std::find(m_policies.begin(), m_policies.end(), p);
            if (found == m_policies.end())
                found = m_policies.insert(m_policies.end(), p);
            e.policy = static_cast<int>(found - m_policies.begin());
        }
        m_events.push_back(std::move(e));
    }
    if (badDecisions > 0)
        m_notes.push_back("events.csv: " + std::to_string(badDecisions) +
                          " rows name a decision this version does not know: shown as no-backend");
    // Replayed in the order the capture counted them; an older export has only arrival order.
    if (m_seqKnown) {
        std::stable_sort(m_events.begin(), m_events.end(), [](const Event& a, const Event& b) { return a.seq < b.seq; });
    } else {
        std::stable_sort(m_events.begin(), m_events.end(), [](const Event& a, const Event& b) { return a.tUs < b.tUs; });
        for (std::size_t i = 0; i < m_events.size(); ++i)
            m_events[i].seq = i + 1;
    }
}

void RunReplay::readChanges(const std::filesystem::path& file)
{
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
        m_notes.push_back("changes.csv is missing (older export): IP changes, affinity breaks and remapped "
                          "clients are not counted");
        return;
    }
    m_changes = RunChange::readCsv(file, m_notes);
    m_changesKnown = true;
}

void RunReplay::readServers(const std::filesystem::path& file)
{
    const std::string name = "servers.csv";
    const CsvReader::Result csv = readCsv(file, name);
    Columns cols(csv.rows[0], name, m_notes);
    const auto t = cols.required("t_ms");
    const auto server = cols.required("server");
    const auto status = cols.optional("status", "servers are shown as up");
    const auto weight = cols.optional("weight", "weights are shown as 1");
    const auto scur = cols.optional("scur", "requests in flight are shown as 0");
    const auto stot = CsvReader::column(csv.rows[0], "stot");
    const auto rate = cols.optional("rate", "rates are computed from req_interval");
    const auto reqInterval = cols.optional("req_interval", "interval requests are computed from events.csv");
    const std::optional<std::size_t> hrsp[4] = {
        CsvReader::column(csv.rows[0], "hrsp_2xx"), CsvReader::column(csv.rows[0], "hrsp_3xx"),
        CsvReader::column(csv.rows[0], "hrsp_4xx"), CsvReader::column(csv.rows[0], "hrsp_5xx")};
    if (!hrsp[0] || !hrsp[1] || !hrsp[2] || !hrsp[3])
        m_notes.push_back("servers.csv lacks some hrsp_* columns (older export): those answer classes are shown as 0");
    const auto p50 = cols.optional("p50_us", "latency p50 is shown as 0");
    const auto p99 = cols.optional("p99_us", "latency p99 is shown as 0");
    const auto sessions = cols.optional("sessions", "server-side sessions are shown as 0");
    const auto misses = cols.optional("session_misses", "session misses are counted from events.csv");
    m_serverMissesKnown = misses.has_value();
    m_reqIntervalKnown = reqInterval.has_value();

    auto number = [&](const CsvReader::Row& row, std::size_t r, std::optional<std::size_t> c, const char* what) {
        if (!c)
            return 0.0;
        if (row[*c].empty())
            return 0.0;
        const auto v = parseNumber(row[*c]);
        if (!v || *v < 0)
            fail(name, lineOf(r) + ": " + what + " '" + row[*c] + "' is not a number");
        return *v;
    };
    for (std::size_t r = 1; r < csv.rows.size(); ++r) {
        const auto& row = csv.rows[r];
        if (row.size() == 1 && row[0].empty())
            continue;
        if (row.size() < csv.rows[0].size())
            fail(name, lineOf(r) + ": " + std::to_string(row.size()) + " fields, the header has " +
                           std::to_string(csv.rows[0].size()));
        const auto ms = parseNumber(row[t]);
        if (!ms || *ms < 0)
            fail(name, lineOf(r) + ": t_ms '" + row[t] + "' is not a time");
        const std::int64_t endUs = msToUs(*ms);
        const int index = backendIndex(row[server]);
        if (index < 0)
            continue;
        // Rows of one interval share t_ms and come together; a later time opens the next interval.
        if (m_intervals.empty() || m_intervals.back().endUs != endUs) {
            if (!m_intervals.empty() && endUs < m_intervals.back().endUs)
                fail(name, lineOf(r) + ": t_ms goes back in time");
            m_intervals.push_back({endUs, {}});
        }
        auto& rows = m_intervals.back().servers;
        if (rows.size() <= static_cast<std::size_t>(index))
            rows.resize(static_cast<std::size_t>(index) + 1);
        BackendRow& s = rows[static_cast<std::size_t>(index)];
        s.present = true;
        if (status) {
            const auto st = parseEnum(row[*status], BackendState::Removed);
            if (!st)
                fail(name, lineOf(r) + ": status '" + row[*status] + "' is not up, down, draining or removed");
            s.state = *st;
        }
        s.weight = weight ? static_cast<int>(number(row, r, weight, "weight")) : 1;
        s.scur = static_cast<int>(number(row, r, scur, "scur"));
        s.stot = static_cast<std::uint64_t>(number(row, r, stot, "stot"));
        s.reqInterval = static_cast<std::uint64_t>(number(row, r, reqInterval, "req_interval"));
        s.rate = rate ? number(row, r, rate, "rate")
                      : static_cast<double>(s.reqInterval) * 1e6 / static_cast<double>(m_intervalUs);
        for (int k = 0; k < 4; ++k)
            s.hrsp[k] = static_cast<std::uint64_t>(number(row, r, hrsp[k], "hrsp"));
        s.p50Us = static_cast<std::uint32_t>(number(row, r, p50, "p50_us"));
        s.p99Us = static_cast<std::uint32_t>(number(row, r, p99, "p99_us"));
        s.sessions = static_cast<int>(number(row, r, sessions, "sessions"));
        s.sessionMisses = static_cast<std::uint64_t>(number(row, r, misses, "session_misses"));
    }
}

void RunReplay::finish()
{
    for (auto& interval : m_intervals)
        interval.servers.resize(m_backendNames.size());
    for (const Event& e : m_events)
        m_durationUs = std::max(m_durationUs, e.countedUs);
    if (!m_intervals.empty())
        m_durationUs = std::max(m_durationUs, m_intervals.back().endUs);
    std::stable_sort(m_labEvents.begin(), m_labEvents.end(),
                     [](const LabEvent& a, const LabEvent& b) { return a.tUs < b.tUs; });
    // Lab events recorded after the last request (e.g. run-stopped) still belong to the run.
    if (!m_labEvents.empty())
        m_durationUs = std::max(m_durationUs, m_labEvents.back().tUs);
    // Changes go where the capture counted them: after the request numbered after_seq. Without
    // seq numbers (an older events.csv) they go by time among the requests' arrivals.
    if (!m_seqKnown) {
        for (RunChange& c : m_changes) {
            const auto before = std::lower_bound(m_events.begin(), m_events.end(), c.tUs,
                                                 [](const Event& e, std::int64_t t) { return e.tUs < t; });
            c.afterSeq = static_cast<std::uint64_t>(before - m_events.begin());
        }
    }
    std::stable_sort(m_changes.begin(), m_changes.end(),
                     [](const RunChange& a, const RunChange& b) { return a.afterSeq < b.afterSeq; });
    for (const RunChange& c : m_changes)
        m_durationUs = std::max(m_durationUs, c.tUs);
    // An older export does not say which policy the run began with: its first request does.
    if (!m_events.empty() && m_events.front().policy >= 0)
        m_startPolicy = m_policies[static_cast<std::size_t>(m_events.front().policy)];
    // The first interval with a row for a server tells from when it existed (servers added later).
    m_firstSeenUs.assign(m_backendNames.size(), -1);
    for (const auto& interval : m_intervals)
        for (std::size_t i = 0; i < interval.servers.size(); ++i)
            if (interval.servers[i].present && m_firstSeenUs[i] < 0)
                m_firstSeenUs[i] = interval.endUs - m_intervalUs;
    // Per-interval counts that only events.csv and changes.csv know.
    m_intervalExtras.assign(m_intervals.size(), {});
    m_checkpoints.clear();
    Walk all = startWalk();
    walk(all, m_durationUs, &m_intervalExtras, &m_checkpoints);
    m_endTotals = all.accounting.totals();
    m_endBackendStats = all.accounting.backendStats();
    m_endPolicy = all.policy;
}

RunReplay::Walk RunReplay::startWalk() const
{
    // As the live capture counts, but with the least story per client (its last request, kept for
    // the map's why, and an address change after it): a replay shows no stories.
    RequestAccounting::Options options;
    options.storyEntries = 2;
    Walk w(options);
    // The generated users in the order the lab registered them, so the map's tiles never move.
    for (std::size_t i = 0; i < m_users && i < m_clients.size(); ++i)
        w.accounting.registerClient(m_clients[i].id, m_clients[i].group, 0);
    w.accounting.ensureBackends(m_backendNames.size());
    for (std::size_t i = 0; i < m_backendNames.size(); ++i)
        w.accounting.nameBackend(i, m_backendNames[i]);
    return w;
}

void RunReplay::replayChange(Walk& w, const RunChange& c) const
{
    using K = RunChange::Kind;
    switch (c.kind) {
    case K::RunStarted:
    case K::PolicySwitched:
        if (!c.policy.empty())
            w.policy = c.policy;
        break;
    case K::IpChanged: w.accounting.ipChange(c.clientId, c.oldIp, c.newIp, c.tUs); break;
    case K::TopologyChanged: w.accounting.topologyChange(); break;
    default: break; // the servers' states come from servers.csv
    }
}

void RunReplay::replayEvent(Walk& w, const Event& ev, RequestEvent& r) const
{
    r.tUs = ev.tUs;
    if (ev.client >= 0)
        r.clientId = m_clients[static_cast<std::size_t>(ev.client)].id;
    else
        r.clientId.clear();
    r.clientIp = ev.ip;
    r.sessionKey = ev.sessionKey;
    if (ev.policy >= 0)
        r.policy = m_policies[static_cast<std::size_t>(ev.policy)];
    else
        r.policy.clear();
    r.decision = ev.decision;
    r.backend = ev.backend;
    if (ev.backend >= 0)
        r.backendName = m_backendNames[static_cast<std::size_t>(ev.backend)];
    else
        r.backendName.clear();
    r.status = ev.status;
    r.latencyUs = ev.latencyUs;
    r.session = ev.session;
    r.why = ev.why;
    w.accounting.request(r);
    // Without changes.csv the requests are all that tells the policy in force.
    if (!m_changesKnown && ev.policy >= 0)
        w.policy = r.policy;
}

void RunReplay::walk(Walk& w, std::int64_t tUs, std::vector<IntervalExtra>* extras,
                     std::vector<Walk>* checkpoints) const
{
    // Counts of intervals that ended before `at` are taken: the live capture closed them by then.
    auto closeIntervalsBefore = [&](std::int64_t at) {
        while (w.intervalsClosed < m_intervals.size() && m_intervals[w.intervalsClosed].endUs < at) {
            const IntervalCounts closed = w.accounting.closeInterval();
            IntervalExtra& x = (*extras)[w.intervalsClosed++];
            x.sessionRequests = closed.sessionRequests;
            x.sessionMisses = closed.sessionMisses;
            x.affinityBreaks = closed.affinityBreaks;
            x.ipChanges = closed.ipChanges;
            x.remaps = closed.remaps;
            x.requests.assign(m_backendNames.size(), 0);
            for (std::size_t i = 0; i < closed.servers.size() && i < x.requests.size(); ++i)
                x.requests[i] = closed.servers[i].requests;
        }
    };
    // Enough checkpoints that at(t) replays a bounded stretch, few enough to keep memory small.
    const std::size_t every = std::max<std::size_t>(20'000, (m_events.size() + m_changes.size()) / 64);
    RequestEvent scratch;
    std::size_t& e = w.nextEvent;
    std::size_t& c = w.nextChange;
    while (true) {
        if (checkpoints && (e + c) % every == 0 && e + c > 0 &&
            (checkpoints->empty() || checkpoints->back().nextEvent + checkpoints->back().nextChange != e + c))
            checkpoints->push_back(w);
        const bool moreEvents = e < m_events.size();
        const bool moreChanges = c < m_changes.size();
        if (!moreEvents && !moreChanges)
            break;
        // A change goes before the requests the capture counted after it.
        const bool change = moreChanges && (!moreEvents || m_changes[c].afterSeq < m_events[e].seq);
        const std::int64_t at = change ? m_changes[c].tUs : m_events[e].countedUs;
        if (at > tUs)
            break;
        w.lastUs = std::max(w.lastUs, at);
        if (extras)
            closeIntervalsBefore(at);
        if (change)
            replayChange(w, m_changes[c++]);
        else
            replayEvent(w, m_events[e++], scratch);
    }
    if (extras && e == m_events.size() && c == m_changes.size())
        closeIntervalsBefore(std::numeric_limits<std::int64_t>::max());
}

} // namespace lblab
