// `lblab --replay DIR`: a run exported by the real binary, replayed by the real binary, prints the
// summary the run printed; a folder that is not a readable run fails with one clear line.

#include "support/run_lblab.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using lblab::test::runLblab;

fs::path freshDir(const std::string& name)
{
    auto dir = fs::path(LBLAB_TEST_OUTPUT_DIR) / name;
    fs::remove_all(dir);
    return dir;
}

struct LiveAndReplay {
    nlohmann::json live;
    nlohmann::json replay;
};

/// Runs `preset` headless for `seconds` with a few users, exporting it, then replays the export.
LiveAndReplay runAndReplay(const std::string& preset, double seconds, int clients)
{
    const fs::path dir = freshDir("cli-replay-" + preset);
    const auto live = runLblab("--headless --preset " + preset + " --duration " + std::to_string(seconds) +
                                   " --clients " + std::to_string(clients) + " --seed 11 --json --export " + dir.string(),
                               "cli-replay");
    EXPECT_EQ(live.status, 0) << live.err;
    const auto replay = runLblab("--replay " + dir.string() + " --json", "cli-replay");
    EXPECT_EQ(replay.status, 0) << replay.err;
    LiveAndReplay r;
    r.live = nlohmann::json::parse(live.out, nullptr, false);
    r.replay = nlohmann::json::parse(replay.out, nullptr, false);
    EXPECT_FALSE(r.live.is_discarded()) << live.out;
    EXPECT_FALSE(r.replay.is_discarded()) << replay.out;
    return r;
}

/// The fields the replay must count exactly as the run did, then the whole summary.
void expectSameSummary(const LiveAndReplay& r)
{
    ASSERT_TRUE(r.live.is_object());
    ASSERT_TRUE(r.replay.is_object());
    for (const char* field : {"requests", "errors", "remapped_clients", "affinity_breaks", "repins", "ip_changes"})
        EXPECT_EQ(r.replay[field], r.live[field]) << field;
    EXPECT_EQ(r.replay["sessions"]["requests"], r.live["sessions"]["requests"]);
    EXPECT_EQ(r.replay["sessions"]["misses"], r.live["sessions"]["misses"]);
    // Everything else too: the same servers, shares, latencies, fairness, duration and table size.
    EXPECT_EQ(r.replay.dump(2), r.live.dump(2));
}

TEST(CliReplayTest, ScaleOutReplaysAsItRan)
{
    // s4 joins at 5 s: ip-hash moves about a quarter of the users.
    const LiveAndReplay r = runAndReplay("scale-out", 7, 40);
    expectSameSummary(r);
    EXPECT_GT(r.live["remapped_clients"].get<int>(), 0) << "adding s4 remaps some users";
    EXPECT_EQ(r.live["servers"].size(), 4u);
}

TEST(CliReplayTest, ServerFailureReplaysAsItRan)
{
    // s2 dies at 5 s: its pinned users are re-pinned and miss their sessions.
    const LiveAndReplay r = runAndReplay("server-failure", 7, 30);
    expectSameSummary(r);
    EXPECT_GT(r.live["repins"].get<int>(), 0) << "s2's users are re-pinned";
    EXPECT_GT(r.live["sessions"]["misses"].get<int>(), 0);
}

TEST(CliReplayTest, MobileSourceIpReplaysAsItRan)
{
    // Phones change address about every 4 s; source-ip affinity loses them.
    const LiveAndReplay r = runAndReplay("mobile-source-ip", 5, 40);
    expectSameSummary(r);
    EXPECT_GT(r.live["ip_changes"].get<int>(), 0);
    EXPECT_GT(r.live["affinity_breaks"].get<int>(), 0);
}

TEST(CliReplayTest, MobileCookieReplaysAsItRan)
{
    const LiveAndReplay r = runAndReplay("mobile-cookie", 5, 40);
    expectSameSummary(r);
    EXPECT_GT(r.live["ip_changes"].get<int>(), 0);
}

TEST(CliReplayTest, WithoutJsonItPrintsTheTable)
{
    const fs::path dir = freshDir("cli-replay-table");
    const auto live = runLblab("--headless --preset round-robin-basics --duration 1 --clients 10 --export " + dir.string(),
                               "cli-replay");
    ASSERT_EQ(live.status, 0) << live.err;
    const auto replay = runLblab("--replay " + dir.string(), "cli-replay");
    ASSERT_EQ(replay.status, 0) << replay.err;
    // The live output is the banner, the table, then the export line: the replay is the table.
    EXPECT_NE(live.out.find(replay.out), std::string::npos) << "live:\n" << live.out << "\nreplay:\n" << replay.out;
    EXPECT_NE(replay.out.find("remapped clients"), std::string::npos) << replay.out;
}

TEST(CliReplayTest, ABadFolderFailsWithOneLineNamingTheProblem)
{
    struct Case {
        std::string what;
        fs::path dir;
        std::string mentions;
    };
    const fs::path missing = freshDir("cli-replay-missing");
    const fs::path empty = freshDir("cli-replay-empty");
    fs::create_directories(empty);
    const fs::path broken = freshDir("cli-replay-broken");
    fs::create_directories(broken);
    std::ofstream(broken / "servers.csv", std::ios::binary)
        << "t_ms,server,status,weight,scur,stot,rate,req_interval,lbtot,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,"
           "p50_us,p99_us,sessions,session_misses\r\n"
        << "500.000,s1,up,1,0,1,2.00,1,1,1,0,0,0,900,900,0,0\r\n";
    std::ofstream(broken / "events.csv", std::ios::binary)
        << "t_ms,client_id,client_ip,session_key,method,path,policy,decision,backend,status,latency_us,session,seq\r\n"
        << "12.000,c0,127.1.0.1,,GET,/,round-robin,round-robin,s1,200,900,none,1\r\n"
        << "13.000,c1,127.1.0.2,,GET,/,round-robin,round-robin,s1,teapot,900,none,2\r\n";
    const std::vector<Case> cases = {
        {"missing folder", missing, "not a folder"},
        {"not a run", empty, "not an exported run"},
        {"broken CSV", broken, "events.csv: line 3: status 'teapot'"},
    };
    for (const Case& c : cases) {
        for (const char* json : {"", " --json"}) {
            const auto r = runLblab("--replay " + c.dir.string() + json, "cli-replay");
            EXPECT_EQ(r.status, 2) << c.what;
            EXPECT_TRUE(r.out.empty()) << c.what << ": " << r.out;
            EXPECT_NE(r.err.find(c.mentions), std::string::npos) << c.what << " said: " << r.err;
            EXPECT_NE(r.err.find(c.dir.string()), std::string::npos) << c.what << " said: " << r.err;
            EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.what << " said: " << r.err;
        }
    }
    const auto withRunOptions = runLblab("--replay " + empty.string() + " --preset scale-out", "cli-replay");
    EXPECT_EQ(withRunOptions.status, 2);
    EXPECT_NE(withRunOptions.err.find("--replay DIR goes only with --json"), std::string::npos) << withRunOptions.err;
}

} // namespace
