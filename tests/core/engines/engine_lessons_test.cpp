// The stateful lessons hold with a real HAProxy (and NGINX) doing the balancing: the same presets,
// the same generated users and backends, the numbers read back from the real program's log lines.

#include "core/config/preset_catalog.h"
#include "core/engines/program_lookup.h"
#include "core/lab/lab.h"
#include "support/wait_for.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

namespace lblab {
namespace {

using Enough = std::function<bool(const Snapshot&)>;

#define SKIP_WITHOUT(program)                                                                          \
    if (!findProgram(program))                                                                         \
    GTEST_SKIP() << program << " is not installed (scripts/test.sh installs it)"

std::size_t usersSeenAfterTheirMove(const Snapshot& s)
{
    return static_cast<std::size_t>(std::count_if(s.clients.begin(), s.clients.end(), [](const ClientView& c) {
        return c.ipChangedUs >= 0 && c.lastUs > c.ipChangedUs;
    }));
}

double missRate(const RunSummary& s)
{
    return s.totals.sessionRequests ? static_cast<double>(s.totals.sessionMisses) / s.totals.sessionRequests : 0;
}

/// A preset's configuration under `engine`, its first timeline action moved to `firstStepAt` s.
LabConfig presetFor(const std::string& name, EngineKind engine, double firstStepAt = 1.5)
{
    using A = TimelineStep::Action;
    const LabConfig* preset = PresetCatalog::find(name);
    EXPECT_NE(preset, nullptr) << name;
    LabConfig c = preset ? *preset : LabConfig{};
    c.engine = engine;
    const auto firstAction =
        std::find_if(c.timeline.begin(), c.timeline.end(), [](const TimelineStep& s) { return s.action != A::Note; });
    if (firstAction != c.timeline.end()) {
        const double shift = firstAction->atSeconds - firstStepAt;
        for (auto& step : c.timeline)
            step.atSeconds = std::max(0.0, step.atSeconds - shift);
    }
    c.healthCheck.intervalSeconds = 0.2;
    return c;
}

/// Runs `config` until `enough` holds on a snapshot; returns the summary (and events.csv in `events`).
RunSummary run(const LabConfig& config, const Enough& enough, std::string* events = nullptr)
{
    Lab lab(config);
    lab.start();
    EXPECT_TRUE(test::waitFor([&] { return enough(*lab.snapshot()); }))
        << config.preset << " never showed what it exists to show";
    lab.stop();
    if (events) {
        std::ostringstream out;
        lab.capture().writeEventsCsv(out);
        *events = out.str();
    }
    return lab.summary();
}

/// events.csv rows (after the header) whose method is GET and whose status is 500 or more.
std::size_t failedGets(const std::string& eventsCsv)
{
    std::istringstream in(eventsCsv);
    std::string line;
    std::getline(in, line);
    std::vector<std::string> header;
    {
        std::istringstream h(line);
        for (std::string field; std::getline(h, field, ',');)
            header.push_back(field);
    }
    const auto column = [&](const std::string& name) {
        return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
    };
    const std::size_t method = column("method"), status = column("status");
    EXPECT_LT(method, header.size());
    EXPECT_LT(status, header.size());
    std::size_t failed = 0;
    while (std::getline(in, line)) {
        std::vector<std::string> fields;
        std::istringstream f(line);
        for (std::string field; std::getline(f, field, ',');)
            fields.push_back(field);
        if (fields.size() > std::max(method, status) && fields[method] == "GET" && std::stoi(fields[status]) >= 500)
            ++failed;
    }
    return failed;
}

TEST(HaproxyLessonsTest, LoginUnderRoundRobinMissesAboutNMinusOneInN)
{
    SKIP_WITHOUT("haproxy");
    const LabConfig c = presetFor("login-round-robin", EngineKind::Haproxy);
    const auto s = run(c, [](const Snapshot& s) { return s.totals.sessionRequests > 300; });
    EXPECT_EQ(s.engine, "haproxy");
    const double n = static_cast<double>(c.servers.size());
    EXPECT_NEAR(missRate(s), (n - 1) / n, 0.1) << "HAProxy's round robin sends the account page anywhere";
    for (const auto& server : s.servers)
        EXPECT_NEAR(server.share, 1.0 / n, 0.06) << server.name;
}

TEST(HaproxyLessonsTest, SourceIpAffinityMissesNoneAndItsStickTableHoldsEveryUser)
{
    SKIP_WITHOUT("haproxy");
    const LabConfig c = presetFor("login-source-ip", EngineKind::Haproxy);
    const auto s = run(c, [](const Snapshot& s) { return s.totals.sessionRequests > 300 && s.tableSize == 60; });
    EXPECT_GT(s.totals.sessionRequests, 300u);
    EXPECT_EQ(s.totals.sessionMisses, 0u);
    EXPECT_EQ(s.tableSize, 60u) << "show table be_lab lists one row per user address";
}

TEST(HaproxyLessonsTest, EveryUserOnTheMapIsPinnedByHaproxysOwnTable)
{
    SKIP_WITHOUT("haproxy");
    Lab lab(presetFor("login-source-ip", EngineKind::Haproxy));
    lab.start();
    // The map's pin marks come from looking each user's address up in `show table`'s rows.
    const bool allPinned = test::waitFor([&] {
        const auto s = lab.snapshot();
        return s->tableSize == 60 && s->clients.size() == 60 &&
               std::all_of(s->clients.begin(), s->clients.end(), [](const ClientView& c) { return c.pinned; });
    });
    lab.stop();
    EXPECT_TRUE(allPinned) << "each of the 60 users found in HAProxy's stick table";
}

TEST(HaproxyLessonsTest, SourceIpAffinityLosesSessionsOnceThePhonesChangeAddress)
{
    SKIP_WITHOUT("haproxy");
    const LabConfig c = presetFor("mobile-source-ip", EngineKind::Haproxy);
    const auto s = run(c, [](const Snapshot& s) {
        return s.totals.ipChanges > 10 && usersSeenAfterTheirMove(s) >= 10 && s.totals.sessionMisses > 0;
    });
    EXPECT_GT(s.totals.affinityBreaks, 0u);
    EXPECT_GT(s.totals.sessionMisses, 0u);
}

TEST(HaproxyLessonsTest, CookieAffinityKeepsPhonesOnTheirServerAcrossAddressChanges)
{
    SKIP_WITHOUT("haproxy");
    const LabConfig c = presetFor("mobile-cookie", EngineKind::Haproxy);
    const auto s = run(c, [](const Snapshot& s) {
        return s.totals.ipChanges > 10 && usersSeenAfterTheirMove(s) >= 10 && s.totals.sessionRequests > 200;
    });
    EXPECT_GT(s.totals.ipChanges, 10u);
    EXPECT_EQ(s.totals.affinityBreaks, 0u);
    EXPECT_EQ(s.totals.sessionMisses, 0u);
}

TEST(HaproxyLessonsTest, AKilledServerIsRedispatchedWithoutFailedGets)
{
    SKIP_WITHOUT("haproxy");
    const LabConfig c = presetFor("server-failure", EngineKind::Haproxy);
    std::string events;
    const auto s = run(
        c,
        [](const Snapshot& s) {
            return s.servers.size() >= 2 && s.servers[1].state == BackendState::Down && s.totals.remappedClients > 5;
        },
        &events);
    EXPECT_EQ(s.servers[1].status, "down") << "HAProxy's health checks found s2 dead";
    EXPECT_GT(s.totals.remappedClients, 5u);
    EXPECT_EQ(failedGets(events), 0u) << "retries and option redispatch: a GET never fails";
}

TEST(HaproxyLessonsTest, ACurlCookieJarGetsHaproxysOwnCookieAndStaysOnOneServer)
{
    SKIP_WITHOUT("haproxy");
    LabConfig c = presetFor("mobile-cookie", EngineKind::Haproxy);
    c.clients.clear(); // only this client
    c.timeline.clear();
    Lab lab(c);
    lab.start();
    const std::string url = lab.balancerUrl();
    const std::string jar = ::testing::TempDir() + "lblab-haproxy-jar.txt";
    std::remove(jar.c_str());
    std::set<std::string> backends;
    for (int i = 0; i < 6; ++i) {
        const std::string command = "curl -s -m 5 -o /dev/null -D - -c " + jar + " -b " + jar + " " + url + "search";
        FILE* pipe = ::popen(command.c_str(), "r");
        ASSERT_NE(pipe, nullptr);
        char line[512];
        while (std::fgets(line, sizeof line, pipe)) {
            const std::string text(line);
            if (text.rfind("X-Backend:", 0) == 0 || text.rfind("x-backend:", 0) == 0)
                backends.insert(text.substr(10, text.find_first_of("\r\n") - 10));
        }
        EXPECT_EQ(::pclose(pipe), 0) << command;
    }
    lab.stop();
    std::ifstream in(jar);
    std::stringstream content;
    content << in.rdbuf();
    EXPECT_NE(content.str().find("LBLAB_SRV"), std::string::npos) << "the jar holds HAProxy's cookie:\n" << content.str();
    EXPECT_EQ(backends.size(), 1u) << "every request of the jar landed on one server";
}

TEST(NginxLessonsTest, RoundRobinIsEvenAndLoginMissesAboutNMinusOneInN)
{
    SKIP_WITHOUT("nginx");
    const LabConfig c = presetFor("login-round-robin", EngineKind::Nginx);
    const auto s = run(c, [](const Snapshot& s) { return s.totals.sessionRequests > 300; });
    EXPECT_EQ(s.engine, "nginx");
    const double n = static_cast<double>(c.servers.size());
    for (const auto& server : s.servers)
        EXPECT_NEAR(server.share, 1.0 / n, 0.06) << server.name;
    EXPECT_NEAR(missRate(s), (n - 1) / n, 0.1);
}

} // namespace
} // namespace lblab
