// The command-line contract (README.md's Command line section), through the real lblab binary.

#include "core/record/csv_reader.h"
#include "support/run_lblab.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {

using Result = lblab::test::LblabResult;

/// Runs lblab with `args` (a shell-quoted string), capturing stdout and stderr.
Result lblab(const std::string& args) { return lblab::test::runLblab(args); }

std::filesystem::path freshDir(const std::string& name)
{
    auto dir = std::filesystem::path(LBLAB_TEST_OUTPUT_DIR) / name;
    std::filesystem::remove_all(dir);
    return dir;
}

TEST(CliTest, ListsPresetsAndPolicies)
{
    const auto presets = lblab("--list-presets");
    EXPECT_EQ(presets.status, 0);
    for (const char* name : {"round-robin-basics", "search-by-location", "login-round-robin", "mobile-cookie", "scale-out"})
        EXPECT_NE(presets.out.find(name), std::string::npos) << name;

    const auto policies = lblab("--list-policies");
    EXPECT_EQ(policies.status, 0);
    for (const char* id : {"round-robin", "weighted-round-robin", "random", "least-connections", "power-of-two",
                           "ip-hash", "url-hash", "geo", "consistent-hash", "source-ip-affinity", "cookie-affinity",
                           "session-affinity", "url-param-affinity"})
        EXPECT_NE(policies.out.find(id), std::string::npos) << id;
}

TEST(CliTest, BadInputFailsWithOneClearLine)
{
    struct Case {
        std::string args;
        std::string mentions;
    };
    const std::vector<Case> cases = {
        {"--headless --preset nope", "unknown preset 'nope'"},
        {"--headless --policy nope", "unknown policy 'nope'"},
        {"--headless --duration abc", "--duration needs a number"},
        {"--headless --duration -3", "--duration must be between"},
        {"--headless --seed 1.5", "--seed needs a whole number"},
        {"--headless --listen nowhere", "--listen needs ADDRESS:PORT"},
        {"--headless --listen 127.0.0.1:99999", "--listen port must be between"},
        {"--bogus", "unknown option '--bogus'"},
        {"--headless --duration 1 --export /proc/lblab-nope", "/proc/lblab-nope"},
        {"--json", "--json and --export go with --headless"},
        {"--headless --scenario /nonexistent/lab.json", "/nonexistent/lab.json: cannot open the file"},
        {"--headless --preset nat-skew --scenario lab.json", "--preset and --scenario cannot be used together"},
        {"--headless --compare round-robin", "--compare needs two policies"},
        {"--headless --compare round-robin,nope", "unknown policy 'nope' in --compare"},
        {"--headless --compare random,random", "--compare needs two different sides"},
        {"--headless --compare random,round-robin --policy geo", "--policy and --compare cannot be used together"},
        {"--compare random,round-robin", "--compare goes with --headless"},
    };
    for (const auto& c : cases) {
        const auto r = lblab(c.args);
        EXPECT_EQ(r.status, 2) << c.args;
        EXPECT_NE(r.err.find(c.mentions), std::string::npos) << c.args << " said: " << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.args << " said: " << r.err;
    }
}

TEST(CliTest, HeadlessRunWithJsonAndExport)
{
    const auto dir = freshDir("cli-export");
    const auto r = lblab("--headless --preset round-robin-basics --duration 1.5 --seed 7 --json --export " + dir.string());
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    for (const char* field : {"preset", "policy", "duration_s", "requests", "errors", "servers", "sessions", "ip_changes",
                              "affinity_breaks", "repins", "remapped_clients", "table_size", "fairness"})
        EXPECT_TRUE(j.contains(field)) << field;
    EXPECT_EQ(j["preset"], "round-robin-basics");
    EXPECT_EQ(j["servers"].size(), 3u);
    EXPECT_GT(j["requests"].get<int>(), 100);
    double shares = 0;
    for (const auto& s : j["servers"])
        shares += s["share"].get<double>();
    EXPECT_NEAR(shares, 1.0, 1e-9);

    const auto events = lblab::CsvReader::readFile(dir / "events.csv");
    ASSERT_TRUE(events.ok()) << events.error;
    EXPECT_EQ(events.rows.size(), j["requests"].get<std::size_t>() + 1);
    EXPECT_EQ(events.rows[0],
              (lblab::CsvReader::Row{"t_ms", "client_id", "client_ip", "session_key", "method", "path", "policy",
                                     "decision", "backend", "status", "latency_us", "session", "seq", "why"}));
    EXPECT_TRUE(std::filesystem::exists(dir / "servers.csv"));
    EXPECT_TRUE(std::filesystem::exists(dir / "changes.csv"));
    EXPECT_TRUE(std::filesystem::exists(dir / "run.json"));
}

TEST(CliTest, SigintEndsTheRunEarlyWithSummaryAndExport)
{
    const auto dir = freshDir("cli-sigint");
    const auto outFile = dir.string() + ".out";
    std::filesystem::remove(outFile); // the banner of an earlier run must not count
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        std::freopen(outFile.c_str(), "w", stdout);
        ::execl(LBLAB_BINARY, LBLAB_BINARY, "--headless", "--duration", "60", "--export", dir.c_str(), nullptr);
        ::_exit(127);
    }
    // The banner comes once the lab runs (and Ctrl+C is handled).
    const bool running =
        lblab::test::waitFor([&] { return lblab::test::fileText(outFile).find("balancer at") != std::string::npos; });
    if (running)
        ::kill(pid, SIGINT);
    int status = 0;
    ASSERT_TRUE(lblab::test::waitForExit(pid, status)) << "lblab did not exit after SIGINT";
    ASSERT_TRUE(running) << "lblab never printed its banner";
    ASSERT_TRUE(WIFEXITED(status)) << "lblab must exit by itself after SIGINT";
    EXPECT_EQ(WEXITSTATUS(status), 0);
    std::ifstream in(outFile);
    const std::string out((std::istreambuf_iterator<char>(in)), {});
    EXPECT_NE(out.find("Interrupted after"), std::string::npos) << out;
    EXPECT_NE(out.find("s1"), std::string::npos) << out;
    EXPECT_TRUE(std::filesystem::exists(dir / "events.csv"));
    EXPECT_TRUE(std::filesystem::exists(dir / "run.json"));
}

const std::filesystem::path kScenarioFixtures = std::filesystem::path(__FILE__).parent_path().parent_path() / "core" / "config" / "scenarios";

std::string readText(const std::filesystem::path& path)
{
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

TEST(CliTest, ScenarioFileRunsLikeAPreset)
{
    const auto dir = freshDir("cli-scenario");
    std::filesystem::create_directories(dir);
    const auto file = dir / "two-servers.json";
    std::ofstream(file) << R"({
      "title": "Two servers",
      "policy": "random",
      "request_rate": 150,
      "servers": [{"name": "left"}, {"name": "right", "weight": 2}],
      "clients": [{"name": "visitors", "count": 20}],
      "timeline": [{"at_s": 0.5, "action": "note", "text": "hello"}]
    })";
    const auto r = lblab("--headless --scenario " + file.string() + " --policy round-robin --duration 1.5 --json");
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["preset"], "two-servers") << "a scenario without a name is named after its file";
    EXPECT_EQ(j["policy"], "round-robin") << "--policy overrides the file";
    ASSERT_EQ(j["servers"].size(), 2u);
    EXPECT_EQ(j["servers"][0]["name"], "left");
    EXPECT_GT(j["servers"][1]["requests"].get<int>(), 50);
}

TEST(CliTest, BrokenScenarioFileFailsWithItsValidationMessage)
{
    const auto file = kScenarioFixtures / "negative_weight.json";
    ASSERT_TRUE(std::filesystem::exists(file)) << file;
    const auto r = lblab("--headless --scenario " + file.string());
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.err, "lblab: " + file.string() + ": servers[2].weight: must be a whole number >= 0, got -1\n");
    EXPECT_TRUE(r.out.empty()) << r.out;

    const auto syntax = lblab("--headless --scenario " + (kScenarioFixtures / "syntax_error.json").string());
    EXPECT_EQ(syntax.status, 2);
    EXPECT_NE(syntax.err.find("syntax_error.json: line 4, column 5: syntax error"), std::string::npos) << syntax.err;
    EXPECT_EQ(std::count(syntax.err.begin(), syntax.err.end(), '\n'), 1) << syntax.err;
}

TEST(CliTest, SummaryCountsTheGeneratedUsers)
{
    // nat-skew has two client groups: --clients scales both, keeping their proportions.
    const auto r = lblab("--headless --preset nat-skew --clients 37 --duration 0.5 --json");
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_TRUE(j.contains("users")) << r.out;
    EXPECT_EQ(j["users"], 37);

    const auto table = lblab("--headless --preset round-robin-basics --clients 12 --duration 0.3");
    ASSERT_EQ(table.status, 0) << table.err;
    EXPECT_NE(table.out.find(", 12 users"), std::string::npos) << table.out;
}

TEST(CliTest, SavedScenarioReopensIdentically)
{
    const auto dir = freshDir("cli-save-scenario");
    std::filesystem::create_directories(dir);
    const auto first = dir / "first.json";
    const auto second = dir / "second.json";
    const auto saved = lblab("--preset nat-skew --policy random --seed 9 --rate 123 --duration 2.5 --clients 30 "
                             "--save-scenario " + first.string());
    ASSERT_EQ(saved.status, 0) << saved.err;
    const auto j = nlohmann::json::parse(readText(first));
    EXPECT_EQ(j["name"], "nat-skew");
    EXPECT_EQ(j["policy"], "random");
    EXPECT_EQ(j["seed"], 9);
    EXPECT_EQ(j["request_rate"], 123.0);
    EXPECT_EQ(j["duration_s"], 2.5);
    EXPECT_EQ(j["clients"][0]["count"].get<int>() + j["clients"][1]["count"].get<int>(), 30);

    const auto again = lblab("--scenario " + first.string() + " --save-scenario " + second.string());
    ASSERT_EQ(again.status, 0) << again.err;
    EXPECT_EQ(readText(first), readText(second)) << "loading and saving again changes nothing";

    const auto bad = lblab("--preset nat-skew --save-scenario /proc/lblab-nope/x.json");
    EXPECT_EQ(bad.status, 1);
    EXPECT_NE(bad.err.find("/proc/lblab-nope/x.json: cannot write"), std::string::npos) << bad.err;
}

/// The number in the row of the compare table that starts with `label`, column `column` (0 = A).
double tableValue(const std::string& table, const std::string& label, int column)
{
    std::istringstream lines(table);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind(label + "  ", 0) != 0)
            continue;
        std::istringstream fields(line.substr(label.size()));
        std::string a, b;
        fields >> a >> b;
        return std::stod(column == 0 ? a : b);
    }
    ADD_FAILURE() << "no row '" << label << "' in\n" << table;
    return -1;
}

TEST(CliTest, CompareShowsTheDifferenceInSessionMisses)
{
    const std::string args = "--headless --compare round-robin,cookie-affinity --preset login-round-robin --duration 3";
    const auto text = lblab(args);
    ASSERT_EQ(text.status, 0) << text.err;
    EXPECT_NE(text.out.find("round-robin"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("cookie-affinity"), std::string::npos) << text.out;
    for (const char* row : {"requests", "errors", "session requests", "miss rate", "IP changes", "affinity breaks",
                            "re-pins", "remapped clients", "table size", "Jain fairness", "max/mean", "s1 p99 ms"})
        EXPECT_NE(text.out.find(row), std::string::npos) << row << " in\n" << text.out;
    const double missesA = tableValue(text.out, "session misses", 0);
    const double missesB = tableValue(text.out, "session misses", 1);
    EXPECT_GT(missesA, 100) << text.out;
    EXPECT_LT(missesB, missesA / 20) << text.out;

    const auto json = lblab(args + " --json --seed 5");
    ASSERT_EQ(json.status, 0) << json.err;
    const auto j = nlohmann::json::parse(json.out);
    ASSERT_EQ(j["compare"].size(), 2u);
    const auto& a = j["compare"][0];
    const auto& b = j["compare"][1];
    EXPECT_EQ(a["policy"], "round-robin");
    EXPECT_EQ(b["policy"], "cookie-affinity");
    EXPECT_EQ(a["preset"], "login-round-robin");
    EXPECT_GT(a["sessions"]["misses"].get<int>(), 100);
    EXPECT_LT(b["sessions"]["misses"].get<int>(), a["sessions"]["misses"].get<int>() / 20);
    EXPECT_EQ(b["table_size"], 60) << "one pin per member";
    EXPECT_EQ(a["table_size"], 0);
}

} // namespace
