#include "core/record/capture.h"
#include "core/record/csv_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <unistd.h>

using namespace lblab;
namespace fs = std::filesystem;

namespace {

/// A fresh directory per test, removed afterwards.
class TempDir {
public:
    TempDir()
    {
        const auto* info = testing::UnitTest::GetInstance()->current_test_info();
        m_path = fs::path(testing::TempDir()) /
                 ("lblab-capture-" + std::to_string(::getpid()) + "-" + info->name());
        fs::remove_all(m_path);
        fs::create_directories(m_path);
    }
    ~TempDir() { fs::remove_all(m_path); }
    const fs::path& path() const { return m_path; }
    std::size_t files() const
    {
        return static_cast<std::size_t>(std::distance(fs::directory_iterator(m_path), fs::directory_iterator()));
    }

private:
    fs::path m_path;
};

RequestEvent event(std::int64_t tUs, std::string client, int backend, unsigned status = 200,
                   std::uint32_t latencyUs = 1000, SessionOutcome session = SessionOutcome::None,
                   DecisionKind decision = DecisionKind::RoundRobin)
{
    RequestEvent e;
    e.tUs = tUs;
    e.clientId = std::move(client);
    e.clientIp = loopbackAddress(1, 5);
    e.method = "GET";
    e.path = "/search?q=1";
    e.policy = "round-robin";
    e.decision = decision;
    e.backend = backend;
    e.backendName = backend >= 0 ? "s" + std::to_string(backend + 1) : "";
    e.status = status;
    e.latencyUs = latencyUs;
    e.session = session;
    return e;
}

Capture::Options options(const fs::path& dir, std::size_t memoryEvents = 100000)
{
    Capture::Options o;
    o.spillDirectory = dir;
    o.memoryEvents = memoryEvents;
    return o;
}

CsvReader::Result exportEvents(const Capture& capture)
{
    std::ostringstream out;
    capture.writeEventsCsv(out);
    return CsvReader::parse(out.str());
}

CsvReader::Result exportServers(const Capture& capture)
{
    std::ostringstream out;
    capture.writeServersCsv(out);
    return CsvReader::parse(out.str());
}

std::vector<BackendGauge> gauges(std::size_t n)
{
    std::vector<BackendGauge> g(n);
    for (std::size_t i = 0; i < n; ++i)
        g[i].name = "s" + std::to_string(i + 1);
    return g;
}

const std::vector<std::string> kEventColumns{"t_ms", "client_id", "client_ip", "session_key",
                                             "method", "path", "policy", "decision", "backend",
                                             "status", "latency_us", "session", "seq", "why"};

} // namespace

TEST(CaptureTest, SpillKeepsEveryEventExactlyOnceInOrder)
{
    TempDir dir;
    {
        Capture capture(options(dir.path(), 100));
        for (int i = 0; i < 1000; ++i) {
            RequestEvent e = event(i * 1000 + 7, "c" + std::to_string(i % 10), i % 3);
            e.path = "/item/" + std::to_string(i);
            capture.record(std::move(e));
        }
        EXPECT_EQ(capture.eventCount(), 1000u);
        EXPECT_EQ(capture.totals().requests, 1000u);
        EXPECT_EQ(dir.files(), 1u) << "older events must have spilled to one file";

        auto csv = exportEvents(capture);
        ASSERT_TRUE(csv.ok()) << csv.error;
        ASSERT_EQ(csv.rows.size(), 1001u);
        EXPECT_EQ(csv.rows[0], kEventColumns);
        for (int i = 0; i < 1000; ++i) {
            const auto& row = csv.rows[static_cast<std::size_t>(i) + 1];
            ASSERT_EQ(row.size(), kEventColumns.size());
            ASSERT_EQ(row[5], "/item/" + std::to_string(i)) << "row " << i;
            char t[32];
            std::snprintf(t, sizeof t, "%d.007", i);
            ASSERT_EQ(row[0], t);
        }
        // Exporting twice gives the same file.
        std::ostringstream a, b;
        capture.writeEventsCsv(a);
        capture.writeEventsCsv(b);
        EXPECT_EQ(a.str(), b.str());
    }
    EXPECT_EQ(dir.files(), 0u) << "the destructor removes the spill file";
}

TEST(CaptureTest, CsvRoundTripsAwkwardText)
{
    TempDir dir;
    Capture capture(options(dir.path(), 4));
    const std::string path = "/cart?items=a,b&note=\"gift\"\r\nline2\nline3";
    const std::string key = "sid=\"x,y\"\n";
    for (int i = 0; i < 10; ++i) { // enough to spill some
        RequestEvent e = event(1500 + i, "c1", 1, 401, 2345, SessionOutcome::Miss, DecisionKind::NewPin);
        e.path = path;
        e.sessionKey = key;
        e.method = "POST";
        e.clientIp = 0x7F000311;
        capture.record(std::move(e));
    }
    capture.record(event(99999, "ext-127.0.0.1", -1, 503, 10, SessionOutcome::None, DecisionKind::NoBackend));

    auto csv = exportEvents(capture);
    ASSERT_TRUE(csv.ok()) << csv.error;
    ASSERT_EQ(csv.rows.size(), 12u);
    const auto& row = csv.rows[1];
    EXPECT_EQ(row, (std::vector<std::string>{"1.500", "c1", "127.0.3.17", key, "POST", path,
                                             "round-robin", "new-pin", "s2", "401", "2345", "miss", "1",
                                             "new-pin -> s2"}));
    const auto& last = csv.rows[11];
    EXPECT_EQ(last[0], "99.999");
    EXPECT_EQ(last[7], "no-backend");
    EXPECT_EQ(last[8], "");
    EXPECT_EQ(last[9], "503");
    EXPECT_EQ(last[11], "none");
    EXPECT_EQ(last[12], "11") << "seq: the order the capture counted it";
}

TEST(CaptureTest, TotalsCountErrorsSessionsRepinsRetries)
{
    TempDir dir;
    Capture capture(options(dir.path()));
    capture.record(event(1, "c1", 0, 200, 100, SessionOutcome::Created));
    capture.record(event(2, "c1", 0, 200, 100, SessionOutcome::Hit, DecisionKind::Pinned));
    capture.record(event(3, "c1", 1, 401, 100, SessionOutcome::Miss, DecisionKind::Repinned));
    capture.record(event(4, "c1", 1, 502, 100, SessionOutcome::None, DecisionKind::Retried));
    capture.record(event(5, "c1", -1, 503, 100, SessionOutcome::None, DecisionKind::NoBackend));
    capture.record(event(6, "c1", 0, 0, 100));
    capture.record(event(7, "c1", 0, 404, 100));
    const Totals t = capture.totals();
    EXPECT_EQ(t.requests, 7u);
    EXPECT_EQ(t.errors, 3u); // 502, 503, 0
    EXPECT_EQ(t.sessionRequests, 2u);
    EXPECT_EQ(t.sessionMisses, 1u);
    EXPECT_EQ(t.repins, 1u);
    EXPECT_EQ(t.retries, 1u);
    const auto stats = capture.backendStats();
    ASSERT_EQ(stats.size(), 2u);
    EXPECT_EQ(stats[0].name, "s1");
    EXPECT_EQ(stats[0].requests, 4u);
    EXPECT_EQ(stats[0].errors, 1u);
    EXPECT_EQ(stats[1].requests, 2u);
    EXPECT_EQ(stats[1].errors, 1u);
    EXPECT_EQ(stats[1].sessionMisses, 1u);
    EXPECT_EQ(stats[0].p50Us, 100u);
}

TEST(CaptureTest, AffinityBreaksCountOncePerIpChangeWhenTheBackendMoves)
{
    TempDir dir;
    Capture capture(options(dir.path()));
    capture.registerClient("c1", "mobile", 0x7F000101);
    capture.registerClient("c2", "mobile", 0x7F000102);
    capture.record(event(10, "c1", 0));
    capture.record(event(11, "c2", 1));

    capture.recordIpChange("c1", 0x7F000101, 0x7F000201, 20);
    capture.recordIpChange("c2", 0x7F000102, 0x7F000202, 21);
    capture.record(event(30, "c1", 1)); // moved: a break
    capture.record(event(31, "c2", 1)); // stayed: none
    capture.record(event(32, "c1", 0)); // moved again, but no IP change since: none
    EXPECT_EQ(capture.totals().affinityBreaks, 1u);
    EXPECT_EQ(capture.totals().ipChanges, 2u);

    // Two changes, then a 503 without a backend: the next routed request compares with the
    // backend before the first change.
    capture.recordIpChange("c1", 0x7F000201, 0x7F000301, 40);
    capture.recordIpChange("c1", 0x7F000301, 0x7F000401, 41);
    capture.record(event(50, "c1", -1, 503));
    capture.record(event(51, "c1", 2));
    EXPECT_EQ(capture.totals().affinityBreaks, 2u);
    EXPECT_EQ(capture.totals().ipChanges, 4u);

    // A client whose first request follows its IP change has nothing to break.
    capture.registerClient("c3", "mobile", 0x7F000103);
    capture.recordIpChange("c3", 0x7F000103, 0x7F000203, 60);
    capture.record(event(61, "c3", 0));
    EXPECT_EQ(capture.totals().affinityBreaks, 2u);

    capture.closeInterval(100, gauges(3));
    Snapshot snap;
    capture.fillSnapshot(snap, 10, 10);
    ASSERT_EQ(snap.history.size(), 1u);
    EXPECT_EQ(snap.history[0].affinityBreaks, 2u);
    EXPECT_EQ(snap.history[0].ipChanges, 5u);
    ASSERT_EQ(snap.clients.size(), 3u);
    EXPECT_EQ(snap.clients[0].id, "c1");
    EXPECT_EQ(snap.clients[0].group, "mobile");
    EXPECT_EQ(snap.clients[0].ipChangedUs, 41);
    EXPECT_EQ(snap.clients[0].backend, 2);
    EXPECT_EQ(snap.clients[0].requests, 5u);
    EXPECT_FALSE(snap.clients[0].external);
}

TEST(CaptureTest, RemapsCountClientsWhoseBackendChangedAfterATopologyChange)
{
    TempDir dir;
    Capture capture(options(dir.path()));
    capture.record(event(1, "a", 0));
    capture.record(event(2, "b", 1));
    capture.registerClient("idle", "g", 0x7F000105);
    capture.markTopologyChange();
    capture.record(event(10, "a", 1)); // moved: remapped
    capture.record(event(11, "b", 1)); // kept
    capture.record(event(12, "a", 0)); // moved again, no change since: not counted
    capture.record(event(13, "idle", 0)); // had no backend before
    capture.record(event(14, "new", 0));
    EXPECT_EQ(capture.totals().remappedClients, 1u);

    capture.markTopologyChange();
    capture.record(event(20, "a", -1, 503)); // no backend: still armed
    capture.record(event(21, "a", 1));
    capture.record(event(22, "b", 0));
    EXPECT_EQ(capture.totals().remappedClients, 3u);

    capture.closeInterval(1000, gauges(2));
    Snapshot snap;
    capture.fillSnapshot(snap, 10, 10);
    EXPECT_EQ(snap.history.back().remaps, 3u);
}

TEST(CaptureTest, IntervalsGiveRatesPercentilesAndServersCsv)
{
    TempDir dir;
    Capture capture(options(dir.path()));
    // Interval 1 (0..500 ms): s1 answers 100 requests of 10..1000 us, s2 50 with 5xx among them.
    for (int i = 1; i <= 100; ++i)
        capture.record(event(i * 1000, "c1", 0, 200, static_cast<std::uint32_t>(i * 10)));
    for (int i = 1; i <= 50; ++i)
        capture.record(event(i * 1000, "c2", 1, i <= 5 ? 500 : 200, 5000, i <= 3 ? SessionOutcome::Miss : SessionOutcome::Hit));
    auto g = gauges(2);
    g[0].active = 3;
    g[0].sessions = 7;
    g[0].weight = 2;
    g[1].state = BackendState::Draining;
    capture.closeInterval(500000, g);

    Snapshot snap;
    snap.servers.resize(2);
    capture.fillSnapshot(snap, 10, 10);
    ASSERT_EQ(snap.history.size(), 1u);
    const IntervalRow& row = snap.history[0];
    EXPECT_EQ(row.lengthUs, 500000);
    ASSERT_EQ(row.servers.size(), 2u);
    EXPECT_EQ(row.servers[0].requests, 100u);
    EXPECT_NEAR(row.servers[0].p50Us, 500.0, 10.0);
    EXPECT_NEAR(row.servers[0].p99Us, 990.0, 20.0);
    EXPECT_EQ(row.servers[0].active, 3);
    EXPECT_EQ(row.servers[0].sessions, 7);
    EXPECT_EQ(row.servers[1].hrsp5xx, 5u);
    EXPECT_EQ(row.servers[1].hrsp2xx, 45u);
    EXPECT_EQ(row.servers[1].sessionMisses, 3u);
    EXPECT_EQ(row.sessionRequests, 50u);
    EXPECT_EQ(row.sessionMisses, 3u);
    EXPECT_DOUBLE_EQ(snap.servers[0].rps, 200.0);
    EXPECT_DOUBLE_EQ(snap.servers[1].rps, 100.0);
    EXPECT_EQ(snap.servers[1].errors, 5u);
    EXPECT_EQ(snap.servers[1].sessionMisses, 3u);

    // Interval 2 (500..1500 ms): only s1, 10 slow requests; a third server appears.
    for (int i = 0; i < 10; ++i)
        capture.record(event(600000 + i, "c1", 0, 302, 200000));
    auto g3 = gauges(3);
    capture.closeInterval(1500000, g3);
    capture.fillSnapshot(snap, 10, 10);
    ASSERT_EQ(snap.history.size(), 2u);
    EXPECT_EQ(snap.history[1].lengthUs, 1000000);
    EXPECT_EQ(snap.history[1].servers[0].requests, 10u);
    EXPECT_NEAR(snap.history[1].servers[0].p50Us, 200000.0, 200000.0 * 0.02);
    EXPECT_EQ(snap.history[1].servers[1].requests, 0u);
    EXPECT_EQ(snap.history[1].servers[1].p50Us, 0u);
    EXPECT_DOUBLE_EQ(snap.servers[0].rps, 10.0);
    EXPECT_EQ(snap.servers[0].requests, 110u);

    auto csv = exportServers(capture);
    ASSERT_TRUE(csv.ok()) << csv.error;
    ASSERT_EQ(csv.rows.size(), 1u + 2u + 3u);
    const auto& h = csv.rows[0];
    EXPECT_EQ(h, (std::vector<std::string>{"t_ms", "server", "status", "weight", "scur", "stot",
                                           "rate", "req_interval", "lbtot", "hrsp_2xx", "hrsp_3xx",
                                           "hrsp_4xx", "hrsp_5xx", "p50_us", "p99_us", "sessions",
                                           "session_misses"}));
    auto col = [&](std::string_view name) { return *CsvReader::column(h, name); };
    EXPECT_EQ(csv.rows[1][col("t_ms")], "500.000");
    EXPECT_EQ(csv.rows[1][col("server")], "s1");
    EXPECT_EQ(csv.rows[1][col("weight")], "2");
    EXPECT_EQ(csv.rows[1][col("scur")], "3");
    EXPECT_EQ(csv.rows[1][col("rate")], "200.00");
    EXPECT_EQ(csv.rows[1][col("stot")], "100");
    EXPECT_EQ(csv.rows[1][col("sessions")], "7");
    EXPECT_EQ(csv.rows[2][col("status")], "draining");
    EXPECT_EQ(csv.rows[2][col("hrsp_5xx")], "5");
    EXPECT_EQ(csv.rows[2][col("session_misses")], "3");
    // Second interval: cumulative stot/lbtot/hrsp, per-interval req_interval and rate.
    EXPECT_EQ(csv.rows[3][col("t_ms")], "1500.000");
    EXPECT_EQ(csv.rows[3][col("stot")], "110");
    EXPECT_EQ(csv.rows[3][col("lbtot")], "110");
    EXPECT_EQ(csv.rows[3][col("req_interval")], "10");
    EXPECT_EQ(csv.rows[3][col("rate")], "10.00");
    EXPECT_EQ(csv.rows[3][col("hrsp_2xx")], "100");
    EXPECT_EQ(csv.rows[3][col("hrsp_3xx")], "10");
    EXPECT_EQ(csv.rows[4][col("hrsp_5xx")], "5");
    EXPECT_EQ(csv.rows[4][col("session_misses")], "0");
    EXPECT_EQ(csv.rows[5][col("server")], "s3");
    EXPECT_EQ(csv.rows[5][col("stot")], "0");
}

TEST(CaptureTest, HistoryIsBoundedButServersCsvHasEveryInterval)
{
    TempDir dir;
    Capture::Options o = options(dir.path());
    o.historyIntervals = 5;
    Capture capture(o);
    for (int i = 1; i <= 40; ++i) {
        capture.record(event(i * 1000, "c1", 0));
        capture.closeInterval(i * 500000, gauges(1));
    }
    Snapshot snap;
    capture.fillSnapshot(snap, 100, 100);
    ASSERT_EQ(snap.history.size(), 5u);
    EXPECT_EQ(snap.history.back().endUs, 40 * 500000);
    capture.fillSnapshot(snap, 2, 100);
    EXPECT_EQ(snap.history.size(), 2u);
    auto csv = exportServers(capture);
    ASSERT_TRUE(csv.ok());
    EXPECT_EQ(csv.rows.size(), 41u);
}

TEST(CaptureTest, ConcurrentRecordersCountExactly)
{
    TempDir dir;
    Capture capture(options(dir.path(), 1000));
    constexpr int kThreads = 4;
    constexpr int kPerThread = 5000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&capture, t] {
            for (int i = 0; i < kPerThread; ++i) {
                RequestEvent e = event(i, "c" + std::to_string(t), t % 2, 200, 100 + i % 50,
                                       i % 4 == 0 ? SessionOutcome::Miss : SessionOutcome::Hit);
                e.path = "/t" + std::to_string(t) + "/" + std::to_string(i);
                capture.record(std::move(e));
            }
        });
    }
    // A reader exporting while the recorders run must neither block them nor see torn state.
    std::ostringstream during;
    capture.writeEventsCsv(during);
    EXPECT_TRUE(CsvReader::parse(during.str()).ok());
    for (auto& th : threads)
        th.join();

    const Totals totals = capture.totals();
    EXPECT_EQ(totals.requests, std::uint64_t{kThreads * kPerThread});
    EXPECT_EQ(totals.sessionMisses, std::uint64_t{kThreads * kPerThread / 4});
    EXPECT_EQ(totals.droppedEvents, 0u);
    EXPECT_EQ(capture.eventCount(), std::uint64_t{kThreads * kPerThread});
    const auto stats = capture.backendStats();
    EXPECT_EQ(stats[0].requests + stats[1].requests, std::uint64_t{kThreads * kPerThread});

    auto csv = exportEvents(capture);
    ASSERT_TRUE(csv.ok()) << csv.error;
    ASSERT_EQ(csv.rows.size(), std::size_t{kThreads * kPerThread} + 1);
    std::set<std::string> paths;
    for (std::size_t i = 1; i < csv.rows.size(); ++i)
        paths.insert(csv.rows[i][5]);
    EXPECT_EQ(paths.size(), std::size_t{kThreads * kPerThread});

    Snapshot snap;
    capture.fillSnapshot(snap, 1, 1);
    ASSERT_EQ(snap.clients.size(), std::size_t{kThreads});
    for (const ClientView& c : snap.clients)
        EXPECT_EQ(c.requests, std::uint64_t{kPerThread});
}

TEST(CaptureTest, SpillFailureKeepsTheBalancerGoingAndCountsLosses)
{
    TempDir dir;
    // A directory below a regular file can never be created: every spill attempt fails.
    const fs::path blocker = dir.path() / "not-a-directory";
    std::ofstream(blocker) << "x";
    Capture capture(options(blocker / "spill", 10));
    for (int i = 0; i < 100; ++i)
        capture.record(event(i, "c1", 0));
    const Totals t = capture.totals();
    EXPECT_EQ(t.requests, 100u);
    EXPECT_EQ(t.droppedEvents, 60u); // memory holds up to 4 x memoryEvents
    EXPECT_EQ(capture.eventCount(), 40u);
    auto csv = exportEvents(capture);
    ASSERT_TRUE(csv.ok());
    EXPECT_EQ(csv.rows.size(), 41u);
    EXPECT_EQ(csv.rows[1][0], "0.000"); // the oldest are kept, the newest counted
    const auto log = capture.labEvents();
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(log.front().kind, LabEventKind::Error);
    EXPECT_NE(log.front().detail.find("spill"), std::string::npos) << log.front().detail;
}

TEST(CaptureTest, WriteErrorsThrow)
{
    TempDir dir;
    Capture capture(options(dir.path()));
    capture.record(event(1, "c1", 0));
    capture.closeInterval(1000, gauges(1));
    std::ostringstream broken;
    broken.setstate(std::ios::badbit);
    EXPECT_THROW(capture.writeEventsCsv(broken), std::runtime_error);
    EXPECT_THROW(capture.writeServersCsv(broken), std::runtime_error);
    std::ofstream full("/dev/full");
    if (full) {
        // Large enough to get past the stream's buffer to the disk-full device.
        for (int i = 0; i < 20000; ++i)
            capture.record(event(i, "c1", 0));
        EXPECT_THROW(capture.writeEventsCsv(full), std::runtime_error);
    }
}

TEST(CaptureTest, LabLogIsBoundedAndCounted)
{
    TempDir dir;
    Capture::Options o = options(dir.path());
    o.logCapacity = 3;
    Capture capture(o);
    for (int i = 0; i < 5; ++i)
        capture.recordLabEvent({i, LabEventKind::Note, "lab", "note " + std::to_string(i)});
    const auto log = capture.labEvents();
    ASSERT_EQ(log.size(), 3u);
    EXPECT_EQ(log.front().detail, "note 2");
    EXPECT_EQ(capture.totals().droppedLabEvents, 2u);
    Snapshot snap;
    capture.fillSnapshot(snap, 10, 2);
    ASSERT_EQ(snap.log.size(), 2u);
    EXPECT_EQ(snap.log.back().detail, "note 4");
}

TEST(CaptureTest, ClientsAreBoundedAndOutsideClientsListedLast)
{
    TempDir dir;
    Capture::Options o = options(dir.path());
    o.clientCapacity = 3;
    Capture capture(o);
    capture.record(event(1, "ext-127.0.0.1", 0));
    capture.registerClient("c1", "office", 0x7F000101);
    capture.registerClient("c2", "office", 0x7F000102);
    capture.registerClient("c3", "office", 0x7F000103); // beyond capacity
    capture.record(event(2, "c4", 0));
    capture.record(event(3, "c4", 0)); // the same untracked client counts once
    capture.record(event(4, "c1", 1, 401, 10, SessionOutcome::Miss));
    EXPECT_EQ(capture.totals().untrackedClients, 2u);
    EXPECT_EQ(capture.totals().requests, 4u);
    Snapshot snap;
    capture.fillSnapshot(snap, 1, 1);
    ASSERT_EQ(snap.clients.size(), 3u);
    EXPECT_EQ(snap.clients[0].id, "c1");
    EXPECT_EQ(snap.clients[0].missUs, 4);
    EXPECT_EQ(snap.clients[0].session, SessionOutcome::Miss);
    EXPECT_EQ(snap.clients[0].status, 401u);
    EXPECT_EQ(snap.clients[1].id, "c2");
    EXPECT_EQ(snap.clients[1].lastUs, -1);
    EXPECT_EQ(snap.clients[2].id, "ext-127.0.0.1");
    EXPECT_TRUE(snap.clients[2].external);
    EXPECT_EQ(snap.clients[2].group, "outside");
}

TEST(CaptureTest, ClockIsRelativeToTheRunStart)
{
    TempDir dir;
    Capture capture(options(dir.path()));
    const TimePoint start = Clock::now();
    capture.begin(start);
    EXPECT_EQ(capture.runStart(), start);
    EXPECT_EQ(capture.sinceStartUs(start + std::chrono::milliseconds(1500)), 1500000);
    EXPECT_EQ(capture.sinceStartUs(start - std::chrono::microseconds(3)), -3);
}

TEST(CaptureTest, ServersCsvSpillsAndStillHasEveryRow)
{
    TempDir dir;
    Capture capture(options(dir.path()));
    constexpr int kServers = 64;
    constexpr int kIntervals = 500; // 32,000 rows of ~50 bytes: past the 1 MB kept in memory
    const auto g = gauges(kServers);
    for (int i = 1; i <= kIntervals; ++i) {
        capture.record(event(i * 1000, "c1", i % kServers));
        capture.closeInterval(static_cast<std::int64_t>(i) * 500000, g);
    }
    EXPECT_EQ(dir.files(), 1u) << "servers.csv rows must have spilled";
    auto csv = exportServers(capture);
    ASSERT_TRUE(csv.ok()) << csv.error;
    ASSERT_EQ(csv.rows.size(), 1u + kServers * kIntervals);
    for (int i = 0; i < kIntervals; ++i) {
        const auto& first = csv.rows[1 + static_cast<std::size_t>(i) * kServers];
        ASSERT_EQ(first[0], std::to_string((i + 1) * 500) + ".000");
        ASSERT_EQ(first[1], "s1");
    }
    EXPECT_EQ(csv.rows.back()[1], "s64");
}

TEST(CaptureTest, SpillingResumesWhenTheDiskHasRoomAgain)
{
    TempDir dir;
    const fs::path blocker = dir.path() / "not-yet-a-directory";
    std::ofstream(blocker) << "x";
    Capture capture(options(blocker / "spill", 10));
    for (int i = 0; i < 100; ++i)
        capture.record(event(i, "c1", 0));
    EXPECT_EQ(capture.totals().droppedEvents, 60u);

    fs::remove(blocker); // the spill directory can be created now
    for (int i = 100; i < 200; ++i)
        capture.record(event(i, "c1", 0));
    const Totals t = capture.totals();
    EXPECT_EQ(t.requests, 200u);
    EXPECT_EQ(t.droppedEvents, 70u) << "losses stop at the next retry";
    EXPECT_EQ(capture.eventCount(), 130u);
    auto csv = exportEvents(capture);
    ASSERT_TRUE(csv.ok());
    EXPECT_EQ(csv.rows.size(), 131u);
    EXPECT_EQ(csv.rows.back()[0], "0.199");
    const auto log = capture.labEvents();
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[0].kind, LabEventKind::Error);
    EXPECT_EQ(log[1].kind, LabEventKind::Note);
}

TEST(CaptureTest, EventsCsvIsInArrivalOrderThoughRecordedAtCompletion)
{
    // Requests complete out of arrival order (a slow server): rows come out ordered by t_ms, equal
    // times in record order, each exactly once; in memory and after spilling to sorted runs.
    for (const std::size_t memoryEvents : {std::size_t{100000}, std::size_t{64}}) {
        TempDir dir;
        {
            Capture::Options o = options(dir.path(), memoryEvents);
            o.sortRunRows = 50;
            Capture capture(o);
            constexpr int kEvents = 3000;
            for (int i = 0; i < kEvents; ++i) {
                // Every third request took 40 ms; its row is recorded after later arrivals'.
                const std::int64_t arrival = (i % 3 == 2 ? i - 40 : i) * 1000 + (i % 5 == 0 ? 0 : 1);
                RequestEvent e = event(std::max<std::int64_t>(arrival, 0), "c" + std::to_string(i % 10), i % 3);
                e.path = "/item/" + std::to_string(i);
                capture.record(std::move(e));
            }
            if (memoryEvents < kEvents) {
                EXPECT_EQ(dir.files(), 1u) << "older events must have spilled";
            }
            auto csv = exportEvents(capture);
            ASSERT_TRUE(csv.ok()) << csv.error;
            ASSERT_EQ(csv.rows.size(), std::size_t{kEvents} + 1);
            EXPECT_EQ(csv.rows[0], kEventColumns);
            std::set<std::string> paths;
            double last = -1;
            int lastItem = -1;
            for (std::size_t r = 1; r < csv.rows.size(); ++r) {
                const double t = std::stod(csv.rows[r][0]);
                const int item = std::stoi(csv.rows[r][5].substr(6));
                ASSERT_GE(t, last) << "row " << r << " is earlier than the row before";
                if (t == last) {
                    ASSERT_GT(item, lastItem) << "equal times keep record order";
                }
                last = t;
                lastItem = item;
                paths.insert(csv.rows[r][5]);
            }
            EXPECT_EQ(paths.size(), std::size_t{kEvents}) << "every row exactly once";
        }
        EXPECT_EQ(dir.files(), 0u) << "no spill file or sorted run is left behind";
    }
}

TEST(CaptureTest, AFailedEventsExportLeavesNoSortedRunBehind)
{
    TempDir dir;
    Capture::Options o = options(dir.path(), 64);
    o.sortRunRows = 20;
    Capture capture(o);
    for (int i = 0; i < 1000; ++i)
        capture.record(event((1000 - i) * 100, "c1", 0));
    ASSERT_EQ(dir.files(), 1u);
    // The header fits the stream's buffer; the rows fail once sorted runs are on disk.
    std::ofstream full("/dev/full");
    if (!full)
        GTEST_SKIP() << "no /dev/full here";
    try {
        capture.writeEventsCsv(full);
        FAIL() << "a failed stream must make the export throw";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("events.csv"), std::string::npos) << e.what();
    }
    EXPECT_EQ(dir.files(), 1u) << "only the spill file remains";
}
