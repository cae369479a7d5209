// Export a real short lab run, then replay it: the end matches the run, the middle is partial, and
// older or damaged exports load with a note or fail naming the file.

#include "core/record/run_replay.h"

#include "core/record/csv_reader.h"
#include "core/record/csv_writer.h"
#include "core/lab/lab.h"
#include "core/config/preset_catalog.h"
#include "support/wait_for.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

namespace lblab {
namespace {

namespace fs = std::filesystem;

fs::path outputDir(const std::string& name)
{
    auto dir = fs::path(LBLAB_TEST_OUTPUT_DIR) / name;
    fs::remove_all(dir);
    return dir;
}

// One recorded run shared by all tests: running the lab is the slow part.
struct Recorded {
    fs::path dir;
    RunSummary summary;
    Totals totals;
};

const Recorded& recorded()
{
    static const Recorded r = [] {
        LabConfig c = *PresetCatalog::find("login-round-robin");
        c.requestRate = 300;
        c.clients[0].count = 40;
        Lab lab(c);
        lab.start();
        // A few hundred requests and one closed interval before half the users move, then enough
        // after it for every moved user to come back from its new address, over several intervals.
        EXPECT_TRUE(test::waitFor([&] {
            const auto s = lab.snapshot();
            return s->totals.requests >= 200 && !s->history.empty();
        }));
        lab.changeClientIps(0.5);
        EXPECT_TRUE(test::waitFor([&] {
            const auto s = lab.snapshot();
            const auto back = std::count_if(s->clients.begin(), s->clients.end(), [](const ClientView& v) {
                return v.ipChangedUs >= 0 && v.lastUs > v.ipChangedUs;
            });
            return back >= 20 && s->history.size() >= 3;
        }));
        lab.stop();
        Recorded out;
        // ctest runs each test in its own process, two at a time: each records into its own folder.
        out.dir = outputDir("run-replay-export-" + std::to_string(::getpid()));
        lab.exportRun(out.dir);
        out.summary = lab.summary();
        out.totals = lab.capture().totals();
        return out;
    }();
    return r;
}

// A copy of the recorded run that a test may damage.
fs::path copyOfRun(const std::string& name)
{
    const fs::path dir = outputDir(name);
    fs::create_directories(dir);
    for (const char* file : {"events.csv", "servers.csv", "run.json"})
        fs::copy_file(recorded().dir / file, dir / file);
    return dir;
}

// Rewrites a CSV file without one column.
void dropColumn(const fs::path& file, const std::string& column)
{
    const auto csv = CsvReader::readFile(file);
    ASSERT_TRUE(csv.ok()) << csv.error;
    const auto index = CsvReader::column(csv.rows[0], column);
    ASSERT_TRUE(index) << column;
    std::string text;
    CsvWriter writer(text);
    for (const auto& row : csv.rows) {
        std::vector<std::string_view> fields;
        for (std::size_t i = 0; i < row.size(); ++i)
            if (i != *index)
                fields.emplace_back(row[i]);
        writer.row(fields);
    }
    std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
}

std::string loadError(const fs::path& dir)
{
    try {
        RunReplay::load(dir);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

bool hasNoteAbout(const RunReplay& replay, const std::string& text)
{
    for (const auto& n : replay.notes())
        if (n.find(text) != std::string::npos)
            return true;
    return false;
}

TEST(RunReplayTest, TheEndHasTheRunsPerServerTotals)
{
    const Recorded& run = recorded();
    ASSERT_GT(run.totals.requests, 150u) << "the lab should have served a few hundred requests";
    const RunReplay replay = RunReplay::load(run.dir);
    EXPECT_TRUE(replay.notes().empty()) << replay.notes().front();
    EXPECT_EQ(replay.eventCount(), run.totals.requests);

    const Snapshot end = replay.at(replay.durationUs());
    EXPECT_EQ(end.state, RunState::Stopped);
    EXPECT_EQ(end.totals.requests, run.totals.requests);
    EXPECT_EQ(end.totals.errors, run.totals.errors);
    EXPECT_EQ(end.totals.sessionRequests, run.totals.sessionRequests);
    EXPECT_EQ(end.totals.sessionMisses, run.totals.sessionMisses);
    EXPECT_GT(end.totals.sessionMisses, 0u) << "round robin with logins misses sessions";
    EXPECT_EQ(end.totals.ipChanges, run.totals.ipChanges);
    EXPECT_GT(end.totals.ipChanges, 0u);
    EXPECT_EQ(end.policy, "round-robin");
    EXPECT_EQ(end.preset, "login-round-robin");

    ASSERT_EQ(end.servers.size(), run.summary.servers.size());
    std::map<std::string, std::uint64_t> live;
    for (const auto& s : run.summary.servers)
        live[s.name] = s.requests;
    for (const auto& s : end.servers) {
        EXPECT_EQ(s.requests, live[s.name]) << s.name;
        EXPECT_GT(s.requests, 0u) << s.name;
    }

    // The history's intervals add up to the servers.csv stot of the last interval.
    ASSERT_FALSE(end.history.empty());
    const auto servers = CsvReader::readFile(run.dir / "servers.csv");
    ASSERT_TRUE(servers.ok());
    std::uint64_t historyRequests = 0;
    for (const auto& row : end.history)
        for (const auto& si : row.servers)
            historyRequests += si.requests;
    std::uint64_t lastStot = 0;
    const auto stot = *CsvReader::column(servers.rows[0], "stot");
    const auto t = *CsvReader::column(servers.rows[0], "t_ms");
    for (std::size_t r = 1; r < servers.rows.size(); ++r)
        if (servers.rows[r][t] == servers.rows.back()[t])
            lastStot += std::stoull(servers.rows[r][stot]);
    EXPECT_EQ(historyRequests, lastStot);

    // Every generated user is on the map, and those that asked something have a backend.
    EXPECT_EQ(end.clients.size(), 40u);
    int changed = 0;
    for (const auto& c : end.clients) {
        EXPECT_EQ(c.group, "members");
        if (c.requests > 0) {
            EXPECT_GE(c.backend, 0) << c.id;
        }
        changed += c.ipChangedUs >= 0 ? 1 : 0;
    }
    EXPECT_GT(changed, 0);
    EXPECT_FALSE(end.log.empty());
}

TEST(RunReplayTest, TheMidpointShowsLess)
{
    const RunReplay replay = RunReplay::load(recorded().dir);
    const Snapshot end = replay.at(replay.durationUs());
    const Snapshot mid = replay.at(replay.durationUs() / 2);
    EXPECT_EQ(mid.tUs, replay.durationUs() / 2);
    EXPECT_GT(mid.totals.requests, 0u);
    EXPECT_LT(mid.totals.requests, end.totals.requests);
    EXPECT_LT(mid.history.size(), end.history.size());
    for (const auto& row : mid.history)
        EXPECT_LE(row.endUs, mid.tUs);
    for (const auto& e : mid.log)
        EXPECT_LE(e.tUs, mid.tUs);
    for (const auto& c : mid.clients)
        EXPECT_LE(c.lastUs, mid.tUs) << c.id;
    std::uint64_t perServer = 0;
    for (const auto& s : mid.servers) {
        EXPECT_LE(s.requests, end.servers[&s - mid.servers.data()].requests) << s.name;
        perServer += s.requests;
    }
    EXPECT_EQ(perServer, mid.totals.requests);

    const Snapshot start = replay.at(0);
    EXPECT_LE(start.totals.requests, 5u);
    EXPECT_TRUE(start.history.empty());
    // Out-of-range times are clamped, not an error.
    EXPECT_EQ(replay.at(-5).tUs, 0);
    EXPECT_EQ(replay.at(replay.durationUs() * 10).totals.requests, end.totals.requests);
}

TEST(RunReplayTest, AnOlderEventsCsvWithoutSessionLoadsWithANote)
{
    const fs::path dir = copyOfRun("run-replay-no-session");
    dropColumn(dir / "events.csv", "session");
    const RunReplay replay = RunReplay::load(dir);
    ASSERT_TRUE(hasNoteAbout(replay, "events.csv has no 'session' column")) << replay.notes().size();
    const Snapshot end = replay.at(replay.durationUs());
    EXPECT_EQ(end.totals.requests, recorded().totals.requests);
    EXPECT_EQ(end.totals.sessionMisses, 0u);
    for (const auto& c : end.clients)
        EXPECT_EQ(c.session, SessionOutcome::None) << c.id;
}

TEST(RunReplayTest, AnOlderServersCsvWithoutMissesAndLatencyLoadsWithNotes)
{
    const fs::path dir = copyOfRun("run-replay-old-servers");
    dropColumn(dir / "servers.csv", "session_misses");
    dropColumn(dir / "servers.csv", "p99_us");
    const RunReplay replay = RunReplay::load(dir);
    EXPECT_TRUE(hasNoteAbout(replay, "'session_misses'"));
    EXPECT_TRUE(hasNoteAbout(replay, "'p99_us'"));
    const Snapshot end = replay.at(replay.durationUs());
    std::uint64_t misses = 0;
    for (const auto& row : end.history)
        misses += row.sessionMisses;
    EXPECT_GT(misses, 0u) << "misses are counted from events.csv instead";
}

TEST(RunReplayTest, AMissingServersCsvIsAnErrorNamingIt)
{
    const fs::path dir = copyOfRun("run-replay-no-servers");
    fs::remove(dir / "servers.csv");
    const std::string error = loadError(dir);
    EXPECT_NE(error.find("servers.csv"), std::string::npos) << error;
    EXPECT_NE(error.find("missing"), std::string::npos) << error;
}

TEST(RunReplayTest, AMissingRequiredColumnIsAnErrorNamingFileAndColumn)
{
    const fs::path dir = copyOfRun("run-replay-no-backend");
    dropColumn(dir / "events.csv", "backend");
    const std::string error = loadError(dir);
    EXPECT_NE(error.find("events.csv"), std::string::npos) << error;
    EXPECT_NE(error.find("'backend'"), std::string::npos) << error;
}

TEST(RunReplayTest, DamagedFilesAreErrorsWithTheLine)
{
    {
        const fs::path dir = copyOfRun("run-replay-bad-time");
        std::ofstream(dir / "events.csv", std::ios::app) << "soon,c1,127.1.0.1,,GET,/,round-robin,round-robin,s1,200,5,none,99999,round robin\r\n";
        const std::string error = loadError(dir);
        EXPECT_NE(error.find("events.csv"), std::string::npos) << error;
        EXPECT_NE(error.find("t_ms 'soon'"), std::string::npos) << error;
        EXPECT_NE(error.find("line "), std::string::npos) << error;
    }
    {
        const fs::path dir = copyOfRun("run-replay-bad-json");
        std::ofstream(dir / "run.json", std::ios::trunc) << "{\"summary\": ";
        const std::string error = loadError(dir);
        EXPECT_NE(error.find("run.json"), std::string::npos) << error;
    }
    {
        const fs::path dir = copyOfRun("run-replay-bad-status");
        std::ofstream(dir / "servers.csv", std::ios::app)
            << "99999,s1,sleeping,1,0,0,0,0,0,0,0,0,0,0,0,0,0\r\n";
        const std::string error = loadError(dir);
        EXPECT_NE(error.find("servers.csv"), std::string::npos) << error;
        EXPECT_NE(error.find("'sleeping'"), std::string::npos) << error;
    }
    EXPECT_NE(loadError(outputDir("run-replay-nothing-here")).find("not a folder"), std::string::npos);
}

TEST(RunReplayTest, AMissingRunJsonLoadsWithANote)
{
    const fs::path dir = copyOfRun("run-replay-no-json");
    fs::remove(dir / "run.json");
    const RunReplay replay = RunReplay::load(dir);
    EXPECT_TRUE(hasNoteAbout(replay, "run.json is missing"));
    const Snapshot end = replay.at(replay.durationUs());
    EXPECT_EQ(end.totals.requests, recorded().totals.requests);
    EXPECT_EQ(end.servers.size(), 3u);
    EXPECT_TRUE(end.log.empty());
}


TEST(RunReplayTest, ARunJsonConfigTheReaderRefusesLoadsWithANoteNamingTheField)
{
    const fs::path dir = copyOfRun("run-replay-bad-config");
    nlohmann::json run;
    {
        std::ifstream in(dir / "run.json");
        run = nlohmann::json::parse(in);
    }
    run["config"]["servers"][1]["weight"] = -3;
    std::ofstream(dir / "run.json") << run.dump(2);
    // A run is worth more than its config: it loads, and a note names what the reader refused.
    const RunReplay replay = RunReplay::load(dir);
    EXPECT_TRUE(hasNoteAbout(replay, "config.servers[1].weight: must be a whole number >= 0, got -3"));
    EXPECT_EQ(replay.at(replay.durationUs()).totals.requests, recorded().totals.requests);
}

TEST(RunReplayTest, AnOlderRunJsonConfigStillNamesThePresetAndGroups)
{
    // Exports before run.json's config took the scenario form wrote "preset" and fewer fields.
    const fs::path dir = copyOfRun("run-replay-old-config");
    nlohmann::json run;
    {
        std::ifstream in(dir / "run.json");
        run = nlohmann::json::parse(in);
    }
    nlohmann::json old = {{"preset", "login-round-robin"}, {"policy", run["config"]["policy"]},
                          {"request_rate", 300}, {"interval_ms", run["config"]["interval_ms"]},
                          {"servers", run["config"]["servers"]}, {"clients", run["config"]["clients"]}};
    run["config"] = old;
    std::ofstream(dir / "run.json") << run.dump(2);
    const RunReplay replay = RunReplay::load(dir);
    const Snapshot end = replay.at(replay.durationUs());
    EXPECT_EQ(end.preset, "login-round-robin");
    EXPECT_EQ(end.totals.requests, recorded().totals.requests);
    EXPECT_EQ(end.clients.size(), 40u) << "the configured group's users";
}

TEST(RunReplayTest, ALongRunAnswersEveryTimeLikeCountingTheRows)
{
    // 50,000 requests over 150 s: enough rows for the replay's checkpoints to be used.
    const fs::path dir = outputDir("run-replay-long");
    fs::create_directories(dir);
    constexpr int kRows = 50'000;
    std::string events;
    CsvWriter ev(events);
    ev.row({"t_ms", "client_id", "client_ip", "session_key", "method", "path", "policy", "decision", "backend",
            "status", "latency_us", "session"});
    for (int i = 0; i < kRows; ++i) {
        const std::int64_t tUs = static_cast<std::int64_t>(i) * 3000;
        const std::string client = "c" + std::to_string(i % 97);
        ev.millis(tUs).field(client).field("127.1.0." + std::to_string(i % 97)).field("").field("GET").field("/")
            .field("round-robin").field("round-robin").field("s" + std::to_string(i % 3 + 1))
            .field(i % 101 == 0 ? 503 : 200).field(900).field(i % 7 == 0 ? "miss" : "hit");
        ev.endRow();
    }
    std::ofstream(dir / "events.csv", std::ios::binary) << events;
    std::ofstream(dir / "servers.csv", std::ios::binary)
        << "t_ms,server,status,weight,scur,stot,rate,req_interval,lbtot,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,"
           "p50_us,p99_us,sessions,session_misses\r\n"
        << "500.000,s1,up,1,0,0,0,0,0,0,0,0,0,0,0,0,0\r\n";
    const RunReplay replay = RunReplay::load(dir);
    EXPECT_TRUE(hasNoteAbout(replay, "run.json is missing"));
    EXPECT_EQ(replay.durationUs(), static_cast<std::int64_t>(kRows - 1) * 3000);
    // Checkpoints fall every 20,000 rows (59.997 s, 119.997 s): probe on both sides of them.
    for (std::int64_t tUs : {0LL, 1LL, 2999LL, 3000LL, 59'996'999LL, 59'997'000LL, 59'999'999LL, 60'000'000LL,
                             61'234'567LL, 119'996'999LL, 120'000'000LL, 149'997'000LL}) {
        const std::uint64_t rows = static_cast<std::uint64_t>(tUs / 3000 + 1);
        const Snapshot s = replay.at(tUs);
        EXPECT_EQ(s.totals.requests, rows) << tUs;
        std::uint64_t errors = 0;
        std::uint64_t misses = 0;
        for (std::uint64_t i = 0; i < rows; ++i) {
            errors += i % 101 == 0 ? 1 : 0;
            misses += i % 7 == 0 ? 1 : 0;
        }
        EXPECT_EQ(s.totals.errors, errors) << tUs;
        EXPECT_EQ(s.totals.sessionMisses, misses) << tUs;
        EXPECT_EQ(s.servers[0].requests, (rows + 2) / 3) << tUs;
        std::uint64_t clientRequests = 0;
        for (const auto& c : s.clients)
            clientRequests += c.requests;
        EXPECT_EQ(clientRequests, rows) << tUs;
        // The last row's client shows that row.
        const auto last = rows - 1;
        const auto it = std::find_if(s.clients.begin(), s.clients.end(),
                                     [&](const ClientView& c) { return c.id == "c" + std::to_string(last % 97); });
        ASSERT_NE(it, s.clients.end());
        EXPECT_EQ(it->lastUs, static_cast<std::int64_t>(last) * 3000) << tUs;
        EXPECT_EQ(it->backend, static_cast<int>(last % 3)) << tUs;
    }
}

} // namespace
} // namespace lblab
