// events.csv's why column through the real binary: every row of a headless run has a reason, for
// every policy and for the HAProxy and NGINX engines, and a replay of the export shows the same.

#include "core/engines/program_lookup.h"
#include "core/record/csv_reader.h"
#include "core/record/run_replay.h"
#include "core/record/why_text.h"
#include "support/run_lblab.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using lblab::CsvReader;
using lblab::test::runLblab;

fs::path freshDir(const std::string& name)
{
    auto dir = fs::path(LBLAB_TEST_OUTPUT_DIR) / name;
    fs::remove_all(dir);
    return dir;
}

/// The rows of `dir`/events.csv, the header first.
std::vector<CsvReader::Row> eventRows(const fs::path& dir)
{
    const auto csv = CsvReader::readFile(dir / "events.csv");
    EXPECT_TRUE(csv.ok()) << csv.error;
    return csv.rows;
}

/// Checks that every row has a why naming the row's backend; returns how many start with `prefix`.
std::size_t checkWhyColumn(const std::vector<CsvReader::Row>& rows, const std::string& prefix)
{
    EXPECT_GT(rows.size(), 20u);
    if (rows.empty())
        return 0;
    const auto why = CsvReader::column(rows[0], "why");
    const auto backend = CsvReader::column(rows[0], "backend");
    const auto ip = CsvReader::column(rows[0], "client_ip");
    const auto decision = CsvReader::column(rows[0], "decision");
    EXPECT_TRUE(why && backend && ip && decision);
    if (!why || !backend || !ip || !decision)
        return 0;
    std::size_t matching = 0;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const auto& row = rows[r];
        const std::string& text = row[*why];
        EXPECT_FALSE(text.empty()) << "row " << r;
        EXPECT_NE(text.front(), '~') << "an export holds text, not the kept code: " << text;
        if (!row[*backend].empty()) {
            EXPECT_NE(text.find(row[*backend]), std::string::npos) << "row " << r << ": " << text;
        }
        if (text.rfind("hash(" + row[*ip] + ")", 0) == 0 || text.rfind(prefix, 0) == 0)
            ++matching;
        if (row[*decision] == "hash" && prefix == "hash(") {
            EXPECT_EQ(text.rfind("hash(", 0), 0u) << text;
        }
    }
    return matching;
}

struct PolicyCase {
    std::string policy;
    std::string preset;
    std::string prefix; ///< how at least one row's why starts
};

} // namespace

TEST(CliWhyTest, EveryRowOfEveryPolicyHasItsReason)
{
    const std::vector<PolicyCase> cases{
        {"round-robin", "mobile-source-ip", "round robin: "},
        {"weighted-round-robin", "mobile-source-ip", "weighted round robin: "},
        {"random", "mobile-source-ip", "random: draw "},
        {"least-connections", "mobile-source-ip", "least connections: "},
        {"power-of-two", "mobile-source-ip", "power of two: "},
        {"ip-hash", "mobile-source-ip", "hash("},
        {"url-hash", "mobile-source-ip", "hash(/"},
        {"consistent-hash", "mobile-source-ip", "ring: hash("},
        {"geo", "search-by-location", "region "},
        {"source-ip-affinity", "mobile-source-ip", "table: "},
        {"cookie-affinity", "mobile-cookie", "cookie "},
        {"session-affinity", "mobile-cookie", "session cookie "},
        {"url-param-affinity", "url-param-session", "session id in the URL "},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.policy);
        const fs::path dir = freshDir("cli-why-" + c.policy);
        const auto r = runLblab("--headless --preset " + c.preset + " --policy " + c.policy +
                                    " --duration 2 --clients 12 --seed 5 --export " + dir.string(),
                                "cli-why");
        ASSERT_EQ(r.status, 0) << r.err;
        EXPECT_GT(checkWhyColumn(eventRows(dir), c.prefix), 0u);
    }
}

TEST(CliWhyTest, AReplayShowsTheExportedReasons)
{
    const fs::path dir = freshDir("cli-why-replay");
    const auto r = runLblab("--headless --preset mobile-source-ip --duration 2 --clients 8 --seed 3 --export " + dir.string(),
                            "cli-why");
    ASSERT_EQ(r.status, 0) << r.err;
    const auto rows = eventRows(dir);
    ASSERT_GT(rows.size(), 10u);
    const auto why = *CsvReader::column(rows[0], "why");
    const auto client = *CsvReader::column(rows[0], "client_id");
    const auto seq = *CsvReader::column(rows[0], "seq");
    // The last request each client had counted (highest seq) is what its tile shows at the end.
    std::map<std::string, std::pair<long, std::string>> last;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        auto& entry = last[rows[i][client]];
        const long n = std::stol(rows[i][seq]);
        if (n > entry.first)
            entry = {n, rows[i][why]};
    }

    const auto replay = lblab::RunReplay::load(dir);
    const lblab::Snapshot end = replay.at(replay.durationUs());
    std::size_t compared = 0;
    for (const auto& view : end.clients) {
        const auto it = last.find(view.id);
        if (it == last.end())
            continue;
        EXPECT_EQ(lblab::whyText(view, replay.backendNames()), it->second.second) << view.id;
        ++compared;
    }
    EXPECT_GT(compared, 3u);
}

TEST(CliWhyTest, EnginesGiveEveryRowAReasonInTheirOwnWords)
{
    struct EngineCase {
        std::string engine, policy, prefix;
    };
    const std::vector<EngineCase> cases{
        {"haproxy", "source-ip-affinity", "haproxy: stick on src"},
        {"haproxy", "round-robin", "haproxy: balance roundrobin"},
        {"nginx", "ip-hash", "nginx: hash $remote_addr"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.engine + ":" + c.policy);
        if (!lblab::findProgram(c.engine))
            GTEST_SKIP() << c.engine << " is not installed (scripts/test.sh installs it)";
        const fs::path dir = freshDir("cli-why-" + c.engine + "-" + c.policy);
        const auto r = runLblab("--headless --engine " + c.engine + " --preset login-source-ip --policy " + c.policy +
                                    " --duration 2 --clients 10 --seed 5 --export " + dir.string(),
                                "cli-why-engine");
        ASSERT_EQ(r.status, 0) << r.err;
        const auto rows = eventRows(dir);
        EXPECT_EQ(checkWhyColumn(rows, c.prefix), rows.size() - 1);
    }
}
