// The lab as a class watches it change, through real sockets: a killed server's sessions, the
// export's time order, moved clients, a followed client's story, the counters since the last
// change, and the configuration in force versus the user's own setup.

#include "core/record/csv_reader.h"
#include "core/lab/lab.h"
#include "core/config/preset_catalog.h"
#include "core/record/run_replay.h"
#include "support/wait_for.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

namespace lblab {
namespace {

using namespace std::chrono_literals;

std::filesystem::path freshDir(const std::string& name)
{
    auto dir = std::filesystem::path(LBLAB_TEST_OUTPUT_DIR) / name;
    std::filesystem::remove_all(dir);
    return dir;
}

/// Publishes snapshots until `pred` holds for one (bounded generously: ASan on two busy cores);
/// null if none did.
std::shared_ptr<const Snapshot> waitForSnapshot(Lab& lab, const std::function<bool(const Snapshot&)>& pred)
{
    std::shared_ptr<const Snapshot> found;
    test::waitFor([&] {
        auto s = lab.publishNow();
        if (s && pred(*s))
            found = std::move(s);
        return found != nullptr;
    });
    return found;
}

const ClientView* clientNamed(const Snapshot& s, const std::string& id)
{
    for (const auto& c : s.clients)
        if (c.id == id)
            return &c;
    return nullptr;
}

TEST(LabChangesTest, AKilledServerLosesItsSessionsAndComesBackEmpty)
{
    LabConfig c = *PresetCatalog::find("login-round-robin");
    c.clients[0].count = 30;
    c.requestRate = 200;
    Lab lab(c);
    lab.start();
    ASSERT_TRUE(waitForSnapshot(lab, [](const Snapshot& s) { return s.servers.size() == 3 && s.servers[1].sessions > 5; }))
        << "logins fill s2 with sessions";

    lab.killBackend("s2");
    auto s = lab.publishNow(); // runs after the kill on the control thread
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->servers[1].killed);
    EXPECT_EQ(s->servers[1].sessions, 0) << "a crash loses the server's memory at once";
    s = waitForSnapshot(lab, [](const Snapshot& x) { return x.servers[1].state == BackendState::Down; });
    ASSERT_TRUE(s) << "the balancer notices the crash";
    EXPECT_EQ(s->servers[1].sessions, 0);

    // With no traffic there are no new logins: restored, it stays empty, even once marked up.
    lab.setPaused(true);
    lab.restoreBackend("s2");
    s = waitForSnapshot(lab, [](const Snapshot& x) { return !x.servers[1].killed && x.servers[1].state == BackendState::Up; });
    ASSERT_TRUE(s) << "the restored server passes its health checks";
    EXPECT_EQ(s->servers[1].sessions, 0) << "a restart starts with no sessions";

    lab.setPaused(false);
    EXPECT_TRUE(waitForSnapshot(lab, [](const Snapshot& x) { return x.servers[1].sessions > 0; }))
        << "new logins make new sessions";
    lab.stop();
}

TEST(LabChangesTest, TheExportOfASlowServerRunIsInArrivalOrder)
{
    // s3 takes 50 ms a request: its rows complete long after later, faster requests.
    LabConfig c = *PresetCatalog::find("slow-server");
    c.policy = "round-robin";
    c.clients[0].count = 30;
    c.requestRate = 300;
    c.servers[2].serviceTimeMs = 50;
    Lab lab(c);
    lab.start();
    ASSERT_TRUE(waitForSnapshot(lab, [](const Snapshot& s) { return s.totals.requests >= 400; }));
    lab.stop();

    const auto dir = freshDir("lab-changes-ordered-export");
    lab.exportRun(dir);
    const auto events = CsvReader::readFile(dir / "events.csv");
    ASSERT_TRUE(events.ok()) << events.error;
    ASSERT_EQ(events.rows.size(), lab.capture().eventCount() + 1) << "every row exactly once";
    const auto t = CsvReader::column(events.rows[0], "t_ms");
    ASSERT_TRUE(t);
    double last = -1;
    std::size_t slow = 0;
    for (std::size_t r = 1; r < events.rows.size(); ++r) {
        const double ms = std::stod(events.rows[r][*t]);
        ASSERT_GE(ms, last) << "row " << r << " is earlier than the row before";
        last = ms;
        slow += events.rows[r][8] == "s3" ? 1 : 0;
    }
    EXPECT_GT(slow, 50u) << "the slow server took its share, so rows did complete out of order";
}

TEST(LabChangesTest, MovesStoryAndCountersSinceTheLastChange)
{
    LabConfig c = *PresetCatalog::find("round-robin-basics");
    c.clients[0].count = 20;
    c.requestRate = 200;
    Lab lab(c);
    lab.start();
    lab.followClient("c1");

    // Round robin changes a client's server at almost every request: its story grows an entry per
    // change, but nobody is marked as moved (that mark is for moves a change causes).
    auto s = waitForSnapshot(lab, [](const Snapshot& x) {
        return x.story.clientId == "c1" && x.story.entries.size() >= 3;
    });
    ASSERT_TRUE(s);
    const ClientView* c1 = clientNamed(*s, "c1");
    ASSERT_NE(c1, nullptr);
    for (const auto& c : s->clients)
        EXPECT_EQ(c.movedUs, -1) << c.id;
    std::uint64_t storyRequests = 0;
    for (const auto& e : s->story.entries)
        storyRequests += e.kind == StoryEntry::Kind::Requests ? e.count : 0;
    if (s->story.droppedEntries == 0) {
        EXPECT_EQ(storyRequests, c1->requests) << "the story accounts for each of its requests";
    }
    EXPECT_EQ(s->sinceChange.tUs, -1) << "no change yet";
    EXPECT_EQ(s->sinceChange.requests, s->totals.requests) << "before any change: the whole run";

    lab.setPolicy("source-ip-affinity");
    s = lab.publishNow();
    EXPECT_EQ(s->sinceChange.what, "policy source-ip-affinity");
    EXPECT_GT(s->sinceChange.tUs, 0);
    s = waitForSnapshot(lab, [](const Snapshot& x) { return x.sinceChange.requests > 30; });
    ASSERT_TRUE(s);
    EXPECT_LT(s->sinceChange.requests, s->totals.requests);
    // Pinned now: clients whose pin is not the server they last had are marked as moved, from there.
    s = waitForSnapshot(lab, [](const Snapshot& x) {
        for (const auto& c : x.clients)
            if (c.movedUs >= 0)
                return true;
        return false;
    });
    ASSERT_TRUE(s);
    for (const auto& c : s->clients)
        if (c.movedUs >= 0) {
            EXPECT_NE(c.movedFrom, c.backend) << c.id;
            EXPECT_GE(c.movedFrom, 0) << c.id;
        }

    lab.changeClientIps(1.0);
    s = lab.publishNow();
    EXPECT_EQ(s->sinceChange.what, "100% of users changed address");
    s = waitForSnapshot(lab, [](const Snapshot& x) {
        for (const auto& e : x.story.entries)
            if (e.kind == StoryEntry::Kind::IpChange)
                return e.fromIp != e.ip;
        return false;
    });
    EXPECT_TRUE(s) << "the followed client's address change is in its story";

    lab.killBackend("s2");
    EXPECT_EQ(lab.publishNow()->sinceChange.what, "s2 killed");
    const std::string added = lab.addBackend();
    EXPECT_EQ(lab.publishNow()->sinceChange.what, added + " added");

    lab.followClient("");
    s = lab.publishNow();
    EXPECT_EQ(s->story.clientId, "");
    EXPECT_TRUE(s->story.entries.empty());
    lab.stop();
}

TEST(LabChangesTest, RunJsonHasTheConfigInForceAndUserSetupOnlyTheUsersCommands)
{
    LabConfig c = *PresetCatalog::find("round-robin-basics");
    c.clients[0].count = 20;
    c.requestRate = 200;
    c.durationSeconds = 600; // a preset length the run never reaches
    c.timeline.clear();
    TimelineStep policy;
    policy.atSeconds = 0.2;
    policy.action = TimelineStep::Action::SwitchPolicy;
    policy.target = "random";
    TimelineStep add;
    add.atSeconds = 0.2;
    add.action = TimelineStep::Action::AddBackend;
    add.target = "t1";
    c.timeline = {policy, add};
    Lab lab(c);
    lab.start();
    ASSERT_TRUE(waitForSnapshot(lab, [](const Snapshot& s) { return s.policy == "random" && s.servers.size() == 4; }));

    const std::string added = lab.addBackend();
    EXPECT_EQ(added, "s4");
    lab.removeBackend("s2");
    lab.setWeight("s1", 3);
    lab.setRequestRate(250);
    ASSERT_TRUE(waitForSnapshot(lab, [](const Snapshot& s) {
        return s.servers.size() == 5 && s.servers[4].requests > 0 && s.servers[1].state == BackendState::Removed;
    }));

    auto names = [](const LabConfig& config) {
        std::vector<std::string> out;
        for (const auto& s : config.servers)
            out.push_back(s.name);
        return out;
    };
    const LabConfig user = lab.userSetup();
    EXPECT_EQ(names(user), (std::vector<std::string>{"s1", "s3", "s4"})) << "the user's server, not the timeline's";
    EXPECT_EQ(user.policy, "round-robin") << "the timeline's switch is not the user's";
    EXPECT_EQ(user.servers[0].weight, 3);
    EXPECT_DOUBLE_EQ(user.requestRate, 250);
    EXPECT_EQ(user.timeline.size(), 2u) << "a restart replays the timeline";

    const LabConfig now = lab.configInForce();
    EXPECT_EQ(names(now), (std::vector<std::string>{"s1", "s3", "t1", "s4"}));
    EXPECT_EQ(now.policy, "random");
    EXPECT_GT(now.durationSeconds, 0.2);
    EXPECT_LT(now.durationSeconds, 60.0);
    EXPECT_TRUE(now.timeline.empty()) << "both steps ran: their effects are in force, not still to come";

    lab.setPolicy("least-connections");
    ASSERT_TRUE(waitForSnapshot(lab, [](const Snapshot& s) { return s.policy == "least-connections"; }));
    EXPECT_EQ(lab.userSetup().policy, "least-connections");
    lab.stop();

    const auto dir = freshDir("lab-changes-config-in-force");
    lab.exportRun(dir);
    std::ifstream in(dir / "run.json");
    const auto run = nlohmann::json::parse(in);
    const auto& config = run["config"];
    std::vector<std::string> exported;
    for (const auto& s : config["servers"])
        exported.push_back(s["name"]);
    EXPECT_EQ(exported, (std::vector<std::string>{"s1", "s3", "t1", "s4"}));
    EXPECT_EQ(config["servers"][0]["weight"], 3);
    EXPECT_EQ(config["policy"], "least-connections");
    EXPECT_DOUBLE_EQ(config["request_rate"].get<double>(), 250);
    EXPECT_DOUBLE_EQ(config["duration_s"].get<double>(), run["summary"]["duration_s"].get<double>())
        << "the real length, not the preset's";
    EXPECT_EQ(run["summary"]["users"], 20);

    // The replay reads that config: the added server is there, the removed one keeps its place.
    const RunReplay replay = RunReplay::load(dir);
    const auto& servers = replay.backendNames();
    ASSERT_EQ(servers.size(), 5u);
    EXPECT_EQ(servers[1], "s2");
    EXPECT_EQ(servers[4], "s4");
    const Snapshot end = replay.at(replay.durationUs());
    EXPECT_GT(end.servers[4].requests, 0u);
    EXPECT_EQ(end.servers[1].state, BackendState::Removed);
    EXPECT_EQ(replay.at(0).policy, "round-robin") << "the replay starts with the policy the run started with";
}

} // namespace
} // namespace lblab
