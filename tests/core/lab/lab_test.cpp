// The whole lab through real sockets: fleet -> balancer -> backends, capture, snapshots, export.

#include "core/config/scenario_file.h"
#include "core/record/csv_reader.h"
#include "core/lab/lab.h"
#include "core/config/preset_catalog.h"
#include "support/wait_for.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <thread>

namespace lblab {
namespace {

LabConfig smallRoundRobin()
{
    LabConfig c = *PresetCatalog::find("round-robin-basics");
    c.requestRate = 300;
    c.clients[0].count = 50;
    return c;
}

using test::waitFor;

/// Waits until the lab has captured at least `n` requests.
bool capturedAtLeast(const Lab& lab, std::uint64_t n)
{
    return waitFor([&] { return lab.capture().totals().requests >= n; });
}

/// Waits until the lab has closed at least `n` aggregation intervals (servers.csv rows per server).
bool intervalsAtLeast(Lab& lab, std::size_t n)
{
    return waitFor([&] { return lab.publishNow()->history.size() >= n; });
}

std::filesystem::path freshDir(const std::string& name)
{
    auto dir = std::filesystem::path(LBLAB_TEST_OUTPUT_DIR) / name;
    std::filesystem::remove_all(dir);
    return dir;
}

TEST(LabTest, EveryRequestIsCapturedOnceAndSharesAreEven)
{
    Lab lab(smallRoundRobin());
    lab.start();
    ASSERT_TRUE(waitFor([&] { return lab.fleetStats().answered >= 600; })) << "2 s of load at 300/s";
    lab.stop();

    const FleetStats fleet = lab.fleetStats();
    const Totals totals = lab.capture().totals();
    EXPECT_GE(fleet.answered, 600u);
    EXPECT_EQ(totals.requests, fleet.answered) << "every answered request is captured exactly once";
    EXPECT_EQ(lab.capture().eventCount(), totals.requests);
    EXPECT_EQ(totals.errors, 0u);

    const RunSummary s = lab.summary();
    ASSERT_EQ(s.servers.size(), 3u);
    for (const auto& server : s.servers)
        EXPECT_NEAR(server.share, 1.0 / 3, 0.02) << server.name;

    // The backends saw many distinct 127.x source addresses.
    const auto dir = freshDir("lab-test-export");
    lab.exportRun(dir);
    const auto events = CsvReader::readFile(dir / "events.csv");
    ASSERT_TRUE(events.ok()) << events.error;
    ASSERT_EQ(events.rows.size(), totals.requests + 1);
    const auto ipColumn = CsvReader::column(events.rows[0], "client_ip");
    ASSERT_TRUE(ipColumn);
    std::set<std::string> addresses;
    for (std::size_t i = 1; i < events.rows.size(); ++i)
        addresses.insert(events.rows[i][*ipColumn]);
    EXPECT_GE(addresses.size(), 40u);
    for (const auto& a : addresses)
        EXPECT_EQ(a.rfind("127.1.", 0), 0u) << a;
}

TEST(LabTest, ExportWritesThreeReadableFiles)
{
    Lab lab(smallRoundRobin());
    lab.start();
    ASSERT_TRUE(intervalsAtLeast(lab, 2));
    lab.stop();
    const auto dir = freshDir("lab-test-three-files");
    lab.exportRun(dir);
    for (const char* name : {"events.csv", "servers.csv", "run.json"})
        EXPECT_TRUE(std::filesystem::exists(dir / name)) << name;
    EXPECT_FALSE(std::filesystem::exists(dir / "events.csv.part"));

    const auto servers = CsvReader::readFile(dir / "servers.csv");
    ASSERT_TRUE(servers.ok()) << servers.error;
    for (const char* column : {"t_ms", "server", "scur", "stot", "rate", "lbtot", "hrsp_2xx", "hrsp_5xx", "status", "weight"})
        EXPECT_TRUE(CsvReader::column(servers.rows[0], column)) << column;
    EXPECT_GE(servers.rows.size(), 1 + 3 * 2u) << "three servers, at least two intervals";

    std::ifstream in(dir / "run.json");
    const auto run = nlohmann::json::parse(in);
    EXPECT_EQ(run["summary"]["preset"], "round-robin-basics");
    EXPECT_EQ(run["config"]["servers"].size(), 3u);
    EXPECT_FALSE(run["lab_events"].empty());
    // run.json's config is written by the one configuration writer: it opens as a scenario.
    const LabConfig reopened = ScenarioFile::parse(run["config"].dump(), "run.json#config");
    EXPECT_EQ(reopened.preset, "round-robin-basics");
    EXPECT_EQ(reopened.servers.size(), 3u);
    EXPECT_EQ(reopened.policy, run["summary"]["policy"].get<std::string>());
}

TEST(LabTest, ExportToAnUnwritablePlaceFailsClearlyAndKeepsTheCapture)
{
    Lab lab(smallRoundRobin());
    lab.start();
    ASSERT_TRUE(capturedAtLeast(lab, 50));
    lab.stop();
    const auto before = lab.capture().eventCount();
    try {
        lab.exportRun("/proc/lblab-cannot-write-here");
        FAIL() << "export into /proc must fail";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("/proc/lblab-cannot-write-here"), std::string::npos) << e.what();
    }
    EXPECT_EQ(lab.capture().eventCount(), before);
    const auto dir = freshDir("lab-test-after-failure");
    EXPECT_NO_THROW(lab.exportRun(dir));
}

TEST(LabTest, SnapshotsShowClientsServersAndAPolicySwitch)
{
    LabConfig c = smallRoundRobin();
    c.clients[0].behaviour = ClientBehaviour::Login;
    Lab lab(c);
    lab.start();
    // Every one of the 50 users has logged in at least once (each login was a session miss).
    ASSERT_TRUE(waitFor([&] { return lab.publishNow()->totals.sessionMisses > 0 && lab.capture().totals().requests >= 150; }));
    auto first = lab.publishNow();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->policy, "round-robin");
    EXPECT_EQ(first->servers.size(), 3u);
    EXPECT_EQ(first->clients.size(), 50u);
    EXPECT_FALSE(first->policyStateful);
    EXPECT_GT(first->totals.sessionMisses, 0u);

    lab.setPolicy("source-ip-affinity");
    const auto pinnedClients = [](const Snapshot& s) {
        int pinned = 0;
        for (const auto& client : s.clients)
            pinned += client.pinned;
        return pinned;
    };
    ASSERT_TRUE(waitFor([&] {
        const auto s = lab.publishNow();
        return s->policy == "source-ip-affinity" && s->tableSize > 10 && pinnedClients(*s) > 10;
    }));
    auto second = lab.publishNow();
    EXPECT_GT(second->sequence, first->sequence);
    EXPECT_EQ(second->policy, "source-ip-affinity");
    EXPECT_TRUE(second->policyStateful);
    EXPECT_GT(second->tableSize, 10u);
    EXPECT_GT(pinnedClients(*second), 10);
    bool switched = false;
    for (const auto& e : second->log)
        switched = switched || e.kind == LabEventKind::PolicySwitched;
    EXPECT_TRUE(switched);
    lab.stop();
}

TEST(LabTest, KillAddAndRemoveServersLive)
{
    Lab lab(smallRoundRobin());
    lab.start();
    ASSERT_TRUE(capturedAtLeast(lab, 50));
    lab.killBackend("s2");
    const std::string added = lab.addBackend();
    EXPECT_EQ(added, "s4");
    ASSERT_TRUE(waitFor([&] {
        const auto s = lab.publishNow();
        return s->servers.size() == 4 && s->servers[1].state == BackendState::Down && s->servers[3].requests > 0;
    }));
    auto s = lab.publishNow();
    ASSERT_EQ(s->servers.size(), 4u);
    EXPECT_TRUE(s->servers[1].killed);
    EXPECT_EQ(s->servers[1].state, BackendState::Down);
    EXPECT_EQ(s->servers[3].state, BackendState::Up);
    EXPECT_GT(s->servers[3].requests, 0u);
    lab.removeBackend("s4");
    EXPECT_TRUE(waitFor([&] { return lab.publishNow()->servers[3].state == BackendState::Removed; }));
    lab.stop();
    EXPECT_EQ(lab.summary().servers.size(), 4u);
}

TEST(LabTest, PortInUseIsReportedByStart)
{
    LabConfig c = smallRoundRobin();
    Lab first(c);
    first.start();
    const auto url = first.balancerUrl();
    const auto port = std::stoi(url.substr(url.rfind(':') + 1));
    c.listenPort = static_cast<std::uint16_t>(port);
    Lab second(c);
    try {
        second.start();
        FAIL() << "the port is taken";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(std::to_string(port)), std::string::npos) << e.what();
    }
    first.stop();
}

} // namespace
} // namespace lblab
