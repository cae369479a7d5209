#include "core/lab/run_summary.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <clocale>
#include <sstream>

using namespace lblab;

namespace {

std::vector<BackendRunStats> stats(std::initializer_list<std::uint64_t> requests)
{
    std::vector<BackendRunStats> out;
    int i = 1;
    for (auto r : requests) {
        BackendRunStats s;
        s.name = "s" + std::to_string(i++);
        s.requests = r;
        s.p50Us = 1500;
        s.p99Us = 9000;
        out.push_back(s);
    }
    return out;
}

std::vector<BackendGauge> gauges(std::size_t n)
{
    std::vector<BackendGauge> g(n);
    for (std::size_t i = 0; i < n; ++i) {
        g[i].name = "s" + std::to_string(i + 1);
        g[i].sessions = static_cast<int>(i);
    }
    return g;
}

} // namespace

TEST(RunSummaryTest, EqualLoadsAreFair)
{
    const auto s = RunSummary::make("p", "round-robin", 5, 1, Totals{}, stats({100, 100, 100, 100}),
                                    gauges(4), 0);
    EXPECT_DOUBLE_EQ(s.jain, 1.0);
    EXPECT_DOUBLE_EQ(s.maxOverMean, 1.0);
    for (const auto& server : s.servers)
        EXPECT_DOUBLE_EQ(server.share, 0.25);
}

TEST(RunSummaryTest, AllOnOneServerIsOneOverN)
{
    const auto s = RunSummary::make("p", "ip-hash", 5, 1, Totals{}, stats({0, 400, 0, 0}), gauges(4), 0);
    EXPECT_DOUBLE_EQ(s.jain, 0.25);
    EXPECT_DOUBLE_EQ(s.maxOverMean, 4.0);
    EXPECT_DOUBLE_EQ(s.servers[1].share, 1.0);
    EXPECT_DOUBLE_EQ(s.servers[0].share, 0.0);
}

TEST(RunSummaryTest, NoRequestsIsEven)
{
    const auto s = RunSummary::make("p", "random", 0, 1, Totals{}, stats({0, 0}), gauges(2), 0);
    EXPECT_DOUBLE_EQ(s.jain, 1.0);
    EXPECT_DOUBLE_EQ(s.servers[0].share, 0.0);
    const auto none = RunSummary::make("p", "random", 0, 1, Totals{}, {}, {}, 0);
    EXPECT_TRUE(none.servers.empty());
    EXPECT_DOUBLE_EQ(none.jain, 1.0);
}

TEST(RunSummaryTest, RemovedServersAreLeftOutOfFairness)
{
    auto g = gauges(3);
    g[2].state = BackendState::Removed;
    g[1].state = BackendState::Down; // down still counts: its idleness is part of the picture
    const auto s = RunSummary::make("p", "round-robin", 5, 1, Totals{}, stats({100, 100, 200}), g, 0);
    EXPECT_DOUBLE_EQ(s.jain, 1.0);
    EXPECT_EQ(s.servers[2].status, "removed");
    EXPECT_EQ(s.servers[1].status, "down");
    EXPECT_DOUBLE_EQ(s.servers[0].share + s.servers[1].share + s.servers[2].share, 1.0);
    EXPECT_DOUBLE_EQ(s.servers[2].share, 0.5);
}

TEST(RunSummaryTest, GaugesBeyondStatsAreListed)
{
    // A server added at the very end has a gauge but no traffic yet.
    const auto s = RunSummary::make("p", "round-robin", 5, 1, Totals{}, stats({10}), gauges(2), 0);
    ASSERT_EQ(s.servers.size(), 2u);
    EXPECT_EQ(s.servers[1].name, "s2");
    EXPECT_EQ(s.servers[1].requests, 0u);
    EXPECT_DOUBLE_EQ(s.jain, 0.5);
}

TEST(RunSummaryTest, JsonHasEveryDesignField)
{
    Totals t;
    t.requests = 1000;
    t.errors = 3;
    t.sessionRequests = 200;
    t.sessionMisses = 50;
    t.ipChanges = 7;
    t.affinityBreaks = 5;
    t.repins = 2;
    t.remappedClients = 11;
    t.retries = 1;
    auto st = stats({600, 400});
    st[0].errors = 3;
    st[1].sessionMisses = 50;
    auto g = gauges(2);
    g[1].weight = 3;
    auto s = RunSummary::make("sticky-shop", "cookie-affinity", 5.0, 42, t, st, g, 123);
    s.users = 37;
    const auto j = nlohmann::json::parse(s.toJson());
    EXPECT_EQ(j["users"], 37);
    EXPECT_NE(s.toTable().find("seed 42, 37 users"), std::string::npos) << s.toTable();

    for (const char* key : {"preset", "policy", "duration_s", "seed", "users", "requests", "errors", "servers",
                            "sessions", "ip_changes", "affinity_breaks", "repins",
                            "remapped_clients", "retries", "table_size", "fairness"})
        EXPECT_TRUE(j.contains(key)) << key;
    EXPECT_EQ(j["preset"], "sticky-shop");
    EXPECT_EQ(j["policy"], "cookie-affinity");
    EXPECT_DOUBLE_EQ(j["duration_s"].get<double>(), 5.0);
    EXPECT_EQ(j["seed"], 42);
    EXPECT_EQ(j["requests"], 1000);
    EXPECT_EQ(j["errors"], 3);
    ASSERT_EQ(j["servers"].size(), 2u);
    const auto& s1 = j["servers"][0];
    for (const char* key : {"name", "requests", "share", "p50_us", "p99_us", "sessions", "status",
                            "weight", "errors", "session_misses"})
        EXPECT_TRUE(s1.contains(key)) << key;
    EXPECT_EQ(s1["name"], "s1");
    EXPECT_EQ(s1["requests"], 600);
    EXPECT_DOUBLE_EQ(s1["share"].get<double>(), 0.6);
    EXPECT_EQ(s1["p50_us"], 1500);
    EXPECT_EQ(s1["p99_us"], 9000);
    EXPECT_EQ(s1["status"], "up");
    EXPECT_EQ(s1["errors"], 3);
    EXPECT_EQ(j["servers"][1]["weight"], 3);
    EXPECT_EQ(j["servers"][1]["sessions"], 1);
    EXPECT_EQ(j["servers"][1]["session_misses"], 50);
    EXPECT_EQ(j["sessions"]["requests"], 200);
    EXPECT_EQ(j["sessions"]["misses"], 50);
    EXPECT_DOUBLE_EQ(j["sessions"]["miss_rate"].get<double>(), 0.25);
    EXPECT_EQ(j["ip_changes"], 7);
    EXPECT_EQ(j["affinity_breaks"], 5);
    EXPECT_EQ(j["repins"], 2);
    EXPECT_EQ(j["remapped_clients"], 11);
    EXPECT_EQ(j["retries"], 1);
    EXPECT_EQ(j["table_size"], 123);
    EXPECT_NEAR(j["fairness"]["jain"].get<double>(), 1.0 / (2 * (0.36 + 0.16)), 1e-12);
    EXPECT_DOUBLE_EQ(j["fairness"]["max_over_mean"].get<double>(), 1.2);
}

TEST(RunSummaryTest, JsonIgnoresTheLocale)
{
    std::setlocale(LC_NUMERIC, "de_DE.UTF-8"); // where installed, a decimal comma
    const auto s = RunSummary::make("p", "random", 2.5, 1, Totals{}, stats({3, 1}), gauges(2), 0);
    const std::string json = s.toJson();
    const std::string table = s.toTable();
    std::setlocale(LC_NUMERIC, "C");
    EXPECT_NE(json.find("2.5"), std::string::npos);
    EXPECT_TRUE(nlohmann::json::accept(json));
    EXPECT_NE(table.find("75.0 %"), std::string::npos) << table;
}

TEST(RunSummaryTest, TableIsAlignedWithOutcomeLines)
{
    Totals t;
    t.requests = 1234;
    t.sessionRequests = 100;
    t.sessionMisses = 25;
    t.ipChanges = 4;
    t.affinityBreaks = 3;
    t.repins = 2;
    t.remappedClients = 9;
    auto st = stats({1000, 234});
    auto g = gauges(2);
    g[0].name = "backend-long-name";
    const auto s = RunSummary::make("p", "source-ip-affinity", 5, 1, t, st, g, 17);
    const std::string table = s.toTable();
    std::istringstream in(table);
    std::string header, rule, row1, row2;
    std::getline(in, header);
    std::getline(in, rule);
    std::getline(in, row1);
    std::getline(in, row2);
    EXPECT_EQ(header.rfind("server", 0), 0u) << table;
    EXPECT_EQ(rule.find_first_not_of('-'), std::string::npos);
    EXPECT_EQ(row1.rfind("backend-long-name", 0), 0u);
    // Right-aligned numbers end in the same column as their header.
    EXPECT_EQ(row1.size(), header.size()) << table;
    EXPECT_EQ(row2.size(), header.size()) << table;
    EXPECT_NE(row1.find("81.0 %"), std::string::npos) << table;
    EXPECT_NE(row1.find("1.50"), std::string::npos) << table; // p50 ms
    for (const char* text : {"misses 25 (25.0 %)", "affinity breaks 3", "re-pins", "remapped clients 9",
                             "table size       17", "Jain", "max/mean", "IP changes       4"})
        EXPECT_NE(table.find(text), std::string::npos) << text << "\n" << table;
}
