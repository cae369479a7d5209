// The command-line contract (DESIGN.md), through the real lblab binary.

#include "core/csv_reader.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {

struct Result {
    int status = -1;
    std::string out;
    std::string err;
};

/// Runs lblab with `args` (a shell-quoted string), capturing stdout and stderr.
Result lblab(const std::string& args)
{
    const auto errFile = std::filesystem::path(LBLAB_TEST_OUTPUT_DIR) / ("cli-stderr-" + std::to_string(::getpid()));
    std::filesystem::create_directories(errFile.parent_path());
    const std::string command = std::string("timeout 60 ") + LBLAB_BINARY + " " + args + " 2>" + errFile.string();
    Result r;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe)
        return r;
    std::array<char, 4096> buffer{};
    while (auto n = std::fread(buffer.data(), 1, buffer.size(), pipe))
        r.out.append(buffer.data(), n);
    const int raw = ::pclose(pipe);
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    std::ifstream err(errFile);
    r.err.assign(std::istreambuf_iterator<char>(err), {});
    return r;
}

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
                                     "decision", "backend", "status", "latency_us", "session"}));
    EXPECT_TRUE(std::filesystem::exists(dir / "servers.csv"));
    EXPECT_TRUE(std::filesystem::exists(dir / "run.json"));
}

TEST(CliTest, SigintEndsTheRunEarlyWithSummaryAndExport)
{
    const auto dir = freshDir("cli-sigint");
    const auto outFile = dir.string() + ".out";
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        std::freopen(outFile.c_str(), "w", stdout);
        ::execl(LBLAB_BINARY, LBLAB_BINARY, "--headless", "--duration", "60", "--export", dir.c_str(), nullptr);
        ::_exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    ::kill(pid, SIGINT);
    int status = 0;
    for (int i = 0; i < 100 && ::waitpid(pid, &status, WNOHANG) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_TRUE(WIFEXITED(status)) << "lblab must exit by itself after SIGINT";
    EXPECT_EQ(WEXITSTATUS(status), 0);
    std::ifstream in(outFile);
    const std::string out((std::istreambuf_iterator<char>(in)), {});
    EXPECT_NE(out.find("Interrupted after"), std::string::npos) << out;
    EXPECT_NE(out.find("s1"), std::string::npos) << out;
    EXPECT_TRUE(std::filesystem::exists(dir / "events.csv"));
    EXPECT_TRUE(std::filesystem::exists(dir / "run.json"));
}

} // namespace
