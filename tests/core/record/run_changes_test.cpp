// changes.csv and events.csv's seq: the capture exports IP and topology changes as data, in the
// order it counted them, and the replay counts from that order what the live run counted.

#include "core/record/capture.h"
#include "core/record/csv_reader.h"
#include "core/record/run_change.h"
#include "core/record/run_replay.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace lblab {
namespace {

namespace fs = std::filesystem;

fs::path freshDir(const std::string& name)
{
    auto dir = fs::path(LBLAB_TEST_OUTPUT_DIR) / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

RequestEvent request(const std::string& client, std::int64_t tUs, int backend)
{
    RequestEvent e;
    e.tUs = tUs;
    e.clientId = client;
    e.clientIp = 0x7F010101;
    e.method = "GET";
    e.path = "/";
    e.policy = "ip-hash";
    e.decision = DecisionKind::Hash;
    e.backend = backend;
    e.backendName = "s" + std::to_string(backend + 1);
    e.status = 200;
    e.latencyUs = 800;
    return e;
}

TEST(RunChangesTest, TheCaptureExportsChangesAfterTheRequestsCountedBeforeThem)
{
    Capture capture(Capture::Options{});
    capture.begin(Clock::now(), "ip-hash");
    capture.record(request("c0", 100, 0));
    capture.record(request("c1", 50, 1)); // arrived first, counted second
    capture.markTopologyChange();
    capture.recordIpChange("c0", 0x7F010101, 0x7F010201, 300);
    capture.recordLabEvent({310, LabEventKind::BackendAdded, "s4", "added by the timeline"});
    capture.recordLabEvent({320, LabEventKind::Note, "timeline", "not a change"});
    capture.recordLabEvent({330, LabEventKind::PolicySwitched, "round-robin", "from ip-hash; no pins to hand over"});
    capture.record(request("c0", 400, 2));
    EXPECT_EQ(capture.totals().remappedClients, 1u);
    EXPECT_EQ(capture.totals().ipChanges, 1u);

    const fs::path dir = freshDir("run-changes-capture");
    {
        std::ofstream out(dir / "changes.csv", std::ios::binary);
        capture.writeChangesCsv(out);
    }
    std::vector<std::string> notes;
    const std::vector<RunChange> changes = RunChange::readCsv(dir / "changes.csv", notes);
    EXPECT_TRUE(notes.empty());
    ASSERT_EQ(changes.size(), 5u);
    EXPECT_EQ(changes[0].kind, RunChange::Kind::RunStarted);
    EXPECT_EQ(changes[0].policy, "ip-hash");
    EXPECT_EQ(changes[0].afterSeq, 0u);
    EXPECT_EQ(changes[1].kind, RunChange::Kind::TopologyChanged);
    EXPECT_EQ(changes[1].afterSeq, 2u);
    EXPECT_EQ(changes[2].kind, RunChange::Kind::IpChanged);
    EXPECT_EQ(changes[2].clientId, "c0");
    EXPECT_EQ(formatIpv4(changes[2].oldIp), "127.1.1.1");
    EXPECT_EQ(formatIpv4(changes[2].newIp), "127.1.2.1");
    EXPECT_EQ(changes[2].tUs, 300);
    EXPECT_EQ(changes[3].kind, RunChange::Kind::BackendAdded);
    EXPECT_EQ(changes[3].server, "s4");
    EXPECT_EQ(changes[4].kind, RunChange::Kind::PolicySwitched);
    EXPECT_EQ(changes[4].policy, "round-robin");
    EXPECT_EQ(changes[4].detail, "from ip-hash; no pins to hand over");

    // events.csv is in arrival order; seq tells the order of counting.
    std::ostringstream events;
    capture.writeEventsCsv(events);
    const auto csv = CsvReader::parse(events.str());
    ASSERT_TRUE(csv.ok()) << csv.error;
    ASSERT_EQ(csv.rows.size(), 4u);
    const auto seq = CsvReader::column(csv.rows[0], "seq");
    ASSERT_TRUE(seq);
    EXPECT_EQ(csv.rows[1][1], "c1");
    EXPECT_EQ(csv.rows[1][*seq], "2");
    EXPECT_EQ(csv.rows[2][*seq], "1");
    EXPECT_EQ(csv.rows[3][*seq], "3");
}

// A hand-made export: c0 asks s1, the server set changes, then c0's next request (which arrived
// before the change but was counted after it) lands on s2.
void writeRun(const fs::path& dir, bool withChanges, bool withSeq)
{
    std::ofstream(dir / "servers.csv", std::ios::binary)
        << "t_ms,server,status,weight,scur,stot,rate,req_interval,lbtot,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,"
           "p50_us,p99_us,sessions,session_misses\r\n"
        << "500.000,s1,up,1,0,1,2.00,1,1,1,0,0,0,900,900,0,0\r\n"
        << "500.000,s2,up,1,0,2,4.00,2,2,2,0,0,0,900,900,0,0\r\n";
    std::ofstream events(dir / "events.csv", std::ios::binary);
    events << "t_ms,client_id,client_ip,session_key,method,path,policy,decision,backend,status,latency_us,session"
           << (withSeq ? ",seq" : "") << "\r\n";
    events << "10.000,c0,127.1.0.1,127.1.0.1,GET,/,ip-hash,hash,s1,200,1000,none" << (withSeq ? ",1" : "") << "\r\n";
    events << "12.000,c0,127.1.0.1,127.1.0.1,GET,/,ip-hash,hash,s2,200,10000,none" << (withSeq ? ",2" : "") << "\r\n";
    events << "40.000,c1,127.1.0.2,127.1.0.2,GET,/,ip-hash,hash,s2,200,1000,none" << (withSeq ? ",3" : "") << "\r\n";
    if (withChanges)
        std::ofstream(dir / "changes.csv", std::ios::binary)
            << RunChange::kCsvHeader << "\r\n"
            << "0.000,0,run-started,,,,,ip-hash,\r\n"
            << "15.000,1,topology-changed,,,,,,\r\n"
            << "16.000,1,server-added,,,,s2,,added by the timeline\r\n"
            << "30.000,2,ip-changed,c1,127.1.0.2,127.1.0.9,,,\r\n";
}

TEST(RunChangesTest, TheReplayCountsInTheOrderTheCaptureCounted)
{
    const fs::path dir = freshDir("run-changes-replay");
    writeRun(dir, true, true);
    const RunReplay replay = RunReplay::load(dir);
    const RunSummary summary = replay.summary();
    EXPECT_EQ(summary.totals.requests, 3u);
    EXPECT_EQ(summary.totals.remappedClients, 1u) << "c0's second request was counted after the change";
    EXPECT_EQ(summary.totals.ipChanges, 1u);
    EXPECT_EQ(summary.totals.affinityBreaks, 0u) << "c1 had never been served before its address changed";
    EXPECT_EQ(summary.policy, "ip-hash");
    ASSERT_EQ(summary.servers.size(), 2u);
    EXPECT_EQ(summary.servers[1].requests, 2u);

    // Scrubbing: c0's second request is counted when it was answered (22 ms), not when it arrived.
    EXPECT_EQ(replay.at(14'000).totals.requests, 1u);
    EXPECT_EQ(replay.at(21'000).totals.remappedClients, 0u);
    EXPECT_EQ(replay.at(22'000).totals.remappedClients, 1u);
    EXPECT_EQ(replay.at(29'000).totals.ipChanges, 0u);
    EXPECT_EQ(replay.at(30'000).totals.ipChanges, 1u);
}

TEST(RunChangesTest, AnOlderExportLoadsWithNotesAndArrivalOrder)
{
    const fs::path dir = freshDir("run-changes-older");
    writeRun(dir, false, false);
    const RunReplay replay = RunReplay::load(dir);
    bool changesNote = false;
    bool seqNote = false;
    for (const auto& n : replay.notes()) {
        changesNote |= n.find("changes.csv is missing") != std::string::npos;
        seqNote |= n.find("'seq'") != std::string::npos;
    }
    EXPECT_TRUE(changesNote);
    EXPECT_TRUE(seqNote);
    const RunSummary summary = replay.summary();
    EXPECT_EQ(summary.totals.requests, 3u);
    EXPECT_EQ(summary.totals.remappedClients, 0u);
    EXPECT_EQ(replay.at(12'000).totals.requests, 2u) << "without seq a request counts when it arrived";
}

TEST(RunChangesTest, ABrokenChangesCsvIsAnErrorNamingFileAndLine)
{
    const fs::path dir = freshDir("run-changes-broken");
    writeRun(dir, true, true);
    std::ofstream(dir / "changes.csv", std::ios::app) << "31.000,2,ip-changed,c1,nowhere,127.1.0.9,,,\r\n";
    try {
        RunReplay::load(dir);
        FAIL() << "a bad address must not load";
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("changes.csv: line 6"), std::string::npos) << what;
        EXPECT_NE(what.find("'nowhere'"), std::string::npos) << what;
    }
}

} // namespace
} // namespace lblab
