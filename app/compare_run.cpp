#include "app/compare_run.h"

#include "app/headless_run.h"
#include "core/config/session_store_choice.h"
#include "core/engines/engine_error.h"
#include "core/store/store_error.h"
#include "core/lab/lab.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdio>
#include <memory>
#include <ostream>
#include <sstream>
#include <thread>

namespace lblab {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void onSignal(int) { g_interrupted = 1; }

std::string fixed(double v, int decimals)
{
    std::array<char, 64> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%.*f", decimals, v);
    return buffer.data();
}

std::string signedFixed(double v, int decimals, const std::string& unit = {})
{
    const std::string text = fixed(v, decimals);
    if (text.find_first_not_of("-0.") == std::string::npos)
        return "0" + unit;
    return (v > 0 ? "+" : "") + text + unit;
}

double missRate(const RunSummary& s)
{
    return s.totals.sessionRequests ? static_cast<double>(s.totals.sessionMisses) / s.totals.sessionRequests : 0;
}

const RunSummary::Server* serverNamed(const RunSummary& s, const std::string& name)
{
    for (const auto& server : s.servers)
        if (server.name == name)
            return &server;
    return nullptr;
}

} // namespace

CompareRun::CompareRun(const CommandLine& commandLine, std::ostream& out, std::ostream& err)
    : m_commandLine(commandLine), m_out(out), m_err(err)
{
}

std::string CompareRun::table(const RunSummary& a, const RunSummary& b)
{
    struct Row {
        std::string label, a, b, difference;
    };
    std::vector<Row> rows;
    auto count = [&](const std::string& label, std::uint64_t x, std::uint64_t y) {
        const double d = static_cast<double>(y) - static_cast<double>(x);
        rows.push_back({label, std::to_string(x), std::to_string(y), signedFixed(d, 0)});
    };
    auto ratio = [&](const std::string& label, double x, double y, int decimals) {
        rows.push_back({label, fixed(x, decimals), fixed(y, decimals), signedFixed(y - x, decimals)});
    };
    // The engine and the session store are named when the two sides differ in them.
    const auto side = [&](const RunSummary& s) {
        return (a.engine == b.engine ? std::string() : s.engine + ":") +
               (a.sessionStore == b.sessionStore ? std::string() : s.sessionStore + ":") + s.policy;
    };
    rows.push_back({"", side(a), side(b), "B - A"});
    count("requests", a.totals.requests, b.totals.requests);
    count("errors", a.totals.errors, b.totals.errors);
    count("session requests", a.totals.sessionRequests, b.totals.sessionRequests);
    count("session misses", a.totals.sessionMisses, b.totals.sessionMisses);
    if (a.sessionStore != "local" || b.sessionStore != "local") {
        count("invalid session cookies", a.totals.invalidSessions, b.totals.invalidSessions);
        count("store operations", a.store.ops, b.store.ops);
        count("store errors", a.store.errors, b.store.errors);
        ratio("store added p50 ms", a.store.p50Us / 1000.0, b.store.p50Us / 1000.0, 3);
        ratio("store added p99 ms", a.store.p99Us / 1000.0, b.store.p99Us / 1000.0, 3);
    }
    rows.push_back({"miss rate", fixed(100 * missRate(a), 1) + "%", fixed(100 * missRate(b), 1) + "%",
                    signedFixed(100 * (missRate(b) - missRate(a)), 1, " pt")});
    count("IP changes", a.totals.ipChanges, b.totals.ipChanges);
    count("affinity breaks", a.totals.affinityBreaks, b.totals.affinityBreaks);
    count("re-pins", a.totals.repins, b.totals.repins);
    count("remapped clients", a.totals.remappedClients, b.totals.remappedClients);
    count("table size", a.tableSize, b.tableSize);
    ratio("Jain fairness", a.jain, b.jain, 3);
    ratio("max/mean", a.maxOverMean, b.maxOverMean, 2);

    // Both labs ran the same timeline, so they have the same servers; list A's then any extra.
    std::vector<std::string> names;
    for (const auto* s : {&a, &b})
        for (const auto& server : s->servers)
            if (std::find(names.begin(), names.end(), server.name) == names.end())
                names.push_back(server.name);
    for (const auto& name : names) {
        const auto* x = serverNamed(a, name);
        const auto* y = serverNamed(b, name);
        const std::uint64_t xr = x ? x->requests : 0, yr = y ? y->requests : 0;
        rows.push_back({name + " requests", std::to_string(xr) + " (" + fixed(100 * (x ? x->share : 0), 1) + "%)",
                        std::to_string(yr) + " (" + fixed(100 * (y ? y->share : 0), 1) + "%)",
                        signedFixed(static_cast<double>(yr) - static_cast<double>(xr), 0)});
        const double xp = x ? x->p99Us / 1000.0 : 0, yp = y ? y->p99Us / 1000.0 : 0;
        rows.push_back({name + " p99 ms", fixed(xp, 2), fixed(yp, 2), signedFixed(yp - xp, 2)});
    }

    std::size_t widths[4] = {0, 0, 0, 0};
    for (const auto& r : rows) {
        widths[0] = std::max(widths[0], r.label.size());
        widths[1] = std::max(widths[1], r.a.size());
        widths[2] = std::max(widths[2], r.b.size());
        widths[3] = std::max(widths[3], r.difference.size());
    }
    std::ostringstream out;
    for (const auto& r : rows) {
        out << r.label << std::string(widths[0] - r.label.size() + 2, ' ');
        out << std::string(widths[1] - r.a.size() + 2, ' ') << r.a;
        out << std::string(widths[2] - r.b.size() + 2, ' ') << r.b;
        out << std::string(widths[3] - r.difference.size() + 2, ' ') << r.difference << '\n';
    }
    return out.str();
}

int CompareRun::exec()
{
    const auto& items = m_commandLine.compareItems;
    const auto folder = [](const CompareItem& item) {
        std::string name = item.label();
        std::replace(name.begin(), name.end(), ':', '-');
        return name;
    };
    if (m_commandLine.exportDir) {
        for (const auto& item : items) {
            if (auto problem = HeadlessRun::exportDirProblem(std::filesystem::path(*m_commandLine.exportDir) / folder(item));
                !problem.empty()) {
                m_err << "lblab: " << problem << '\n';
                return 2;
            }
        }
    }

    // Same config and seed for both; only the policy differs. A timeline's switch-policy steps
    // would make both labs run the same policy, so a comparison leaves them out.
    std::array<std::unique_ptr<Lab>, 2> labs;
    bool skippedSwitches = false;
    for (std::size_t i = 0; i < 2; ++i) {
        LabConfig config = m_commandLine.config;
        config.engine = items[i].engine;
        chooseSessionStore(config, items[i].sessionStore.value_or(config.sessionStore));
        config.policy = items[i].policy;
        const auto before = config.timeline.size();
        std::erase_if(config.timeline,
                      [](const TimelineStep& s) { return s.action == TimelineStep::Action::SwitchPolicy; });
        skippedSwitches = skippedSwitches || config.timeline.size() != before;
        labs[i] = std::make_unique<Lab>(std::move(config));
        labs[i]->setPeriodicSnapshots(false); // headless: nobody draws them
    }
    try {
        for (auto& lab : labs)
            lab->start();
    } catch (const std::exception& e) {
        for (auto& lab : labs)
            lab->stop();
        m_err << "lblab: " << e.what() << '\n';
        return dynamic_cast<const EngineError*>(&e) || dynamic_cast<const StoreError*>(&e) ? 2 : 1;
    }
    const double duration = m_commandLine.config.durationSeconds;
    if (!m_commandLine.json) {
        m_out << "LB Lab compare: preset " << m_commandLine.config.preset << ", seed " << m_commandLine.config.seed
              << ", for " << duration << " s\n"
              << "  A: " << items[0].label() << " at " << labs[0]->balancerUrl() << "\n"
              << "  B: " << items[1].label() << " at " << labs[1]->balancerUrl() << "\n";
        if (skippedSwitches)
            m_out << "  (the timeline's switch-policy steps are left out: each lab keeps its policy)\n";
        m_out << std::flush;
    }

    struct sigaction action {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    struct sigaction oldInt {}, oldTerm {};
    sigaction(SIGINT, &action, &oldInt);
    sigaction(SIGTERM, &action, &oldTerm);
    while (!g_interrupted && (duration <= 0 || labs[0]->elapsedSeconds() < duration))
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (auto& lab : labs)
        lab->stop();
    sigaction(SIGINT, &oldInt, nullptr);
    sigaction(SIGTERM, &oldTerm, nullptr);

    const std::array<RunSummary, 2> summaries = {labs[0]->summary(), labs[1]->summary()};
    if (m_commandLine.json) {
        nlohmann::json doc;
        doc["compare"] = nlohmann::json::array();
        for (const auto& s : summaries)
            doc["compare"].push_back(nlohmann::json::parse(s.toJson()));
        m_out << doc.dump(2) << std::endl;
    } else {
        if (g_interrupted)
            m_out << "Interrupted after " << labs[0]->elapsedSeconds() << " s.\n";
        m_out << '\n' << table(summaries[0], summaries[1]) << std::flush;
    }

    if (m_commandLine.exportDir) {
        for (std::size_t i = 0; i < 2; ++i) {
            const auto dir = std::filesystem::path(*m_commandLine.exportDir) / folder(items[i]);
            try {
                labs[i]->exportRun(dir);
            } catch (const std::exception& e) {
                m_err << "lblab: export failed: " << e.what() << '\n';
                return 1;
            }
        }
        if (!m_commandLine.json)
            m_out << "Exported each run to " << *m_commandLine.exportDir << "/<policy>/ (<engine>-<policy>/ for an outside engine)\n";
    }
    return 0;
}

} // namespace lblab
