#include "ui/load_charts.h"

#include "panels_qt_app.h"

#include <QDir>
#include <QFileInfo>

#include <gtest/gtest.h>

#include <cmath>

using lblab::ui::LoadCharts;
using Series = LoadCharts::Series;

namespace {

// Three servers; s3 has weight 2. Intervals of 0.5 s from `fromInterval` to `toInterval` (exclusive).
lblab::Snapshot makeSnapshot(int fromInterval, int toInterval, std::uint64_t sequence = 1)
{
    lblab::Snapshot snap;
    snap.sequence = sequence;
    snap.tUs = static_cast<std::int64_t>(toInterval) * 500'000;
    for (int i = 0; i < 3; ++i) {
        lblab::ServerView s;
        s.name = "s" + std::to_string(i + 1);
        s.weight = i == 2 ? 2 : 1;
        snap.servers.push_back(s);
    }
    for (int k = fromInterval; k < toInterval; ++k) {
        lblab::IntervalRow row;
        row.endUs = static_cast<std::int64_t>(k + 1) * 500'000;
        row.lengthUs = 500'000;
        for (int i = 0; i < 3; ++i) {
            lblab::ServerInterval si;
            si.requests = static_cast<std::uint64_t>(10 * (i + 1)); // 20, 40, 60 req/s
            si.active = i + k % 3;
            si.p50Us = static_cast<std::uint32_t>(1000 * (i + 1));
            si.p99Us = static_cast<std::uint32_t>(5000 * (i + 1));
            row.servers.push_back(si);
        }
        row.sessionMisses = static_cast<std::uint64_t>(k % 4);
        row.affinityBreaks = 1;
        snap.history.push_back(row);
    }
    return snap;
}

class LoadChartsTest : public ::testing::Test {
protected:
    void SetUp() override { lblab::test::panelsQtApp(); }
};

} // namespace

TEST_F(LoadChartsTest, DrawsOnePointPerIntervalWithLastValues)
{
    LoadCharts charts;
    charts.showSnapshot(makeSnapshot(0, 10));
    for (int s = 0; s < 3; ++s) {
        EXPECT_EQ(charts.graphPointCount(Series::RequestRate, s), 10);
        EXPECT_EQ(charts.graphPointCount(Series::ActiveConnections, s), 10);
        EXPECT_EQ(charts.graphPointCount(Series::LatencyP50, s), 10);
        EXPECT_EQ(charts.graphPointCount(Series::LatencyP99, s), 10);
        EXPECT_DOUBLE_EQ(charts.lastValue(Series::RequestRate, s), 20.0 * (s + 1));
        EXPECT_DOUBLE_EQ(charts.lastValue(Series::ActiveConnections, s), s + 9 % 3);
        EXPECT_DOUBLE_EQ(charts.lastValue(Series::LatencyP50, s), 1.0 * (s + 1));
        EXPECT_DOUBLE_EQ(charts.lastValue(Series::LatencyP99, s), 5.0 * (s + 1));
    }
    EXPECT_EQ(charts.graphPointCount(Series::SessionMisses), 10);
    EXPECT_DOUBLE_EQ(charts.lastValue(Series::SessionMisses), (9 % 4) / 0.5);
    EXPECT_DOUBLE_EQ(charts.lastValue(Series::AffinityBreaks), 2.0);
}

TEST_F(LoadChartsTest, SharesAndIdealShares)
{
    LoadCharts charts;
    charts.showSnapshot(makeSnapshot(0, 4));
    // 10 : 20 : 30 requests per interval.
    EXPECT_NEAR(charts.lastValue(Series::Share, 0), 100.0 / 6, 1e-9);
    EXPECT_NEAR(charts.lastValue(Series::Share, 2), 50.0, 1e-9);
    EXPECT_NEAR(charts.lastValue(Series::IdealShare, 0), 25.0, 1e-9);
    EXPECT_NEAR(charts.lastValue(Series::IdealShare, 2), 50.0, 1e-9);

    // s3 goes down: its ideal share is 0 and the others split the rest.
    lblab::Snapshot down = makeSnapshot(0, 5, 2);
    down.servers[2].state = lblab::ServerState::Down;
    charts.showSnapshot(down);
    EXPECT_NEAR(charts.lastValue(Series::IdealShare, 2), 0.0, 1e-9);
    EXPECT_NEAR(charts.lastValue(Series::IdealShare, 0), 50.0, 1e-9);
}

TEST_F(LoadChartsTest, AppendsOnlyNewIntervalsAndSkipsUnchangedSnapshots)
{
    LoadCharts charts;
    charts.showSnapshot(makeSnapshot(0, 10, 1));
    const int replots = charts.replotCount();
    charts.showSnapshot(makeSnapshot(0, 10, 2)); // same history, newer sequence
    EXPECT_EQ(charts.replotCount(), replots);
    EXPECT_EQ(charts.graphPointCount(Series::RequestRate, 0), 10);
    // The history is bounded: the next snapshot overlaps the last one only partly.
    charts.showSnapshot(makeSnapshot(5, 12, 3));
    EXPECT_EQ(charts.graphPointCount(Series::RequestRate, 0), 12);
    EXPECT_EQ(charts.graphPointCount(Series::SessionMisses), 12);
    EXPECT_EQ(charts.replotCount(), replots + 1);
}

TEST_F(LoadChartsTest, TrimsPointsOlderThanTheWindow)
{
    LoadCharts charts;
    charts.setWindowSeconds(10);
    charts.showSnapshot(makeSnapshot(0, 20)); // up to 10 s
    EXPECT_EQ(charts.graphPointCount(Series::RequestRate, 1), 20);
    charts.showSnapshot(makeSnapshot(10, 60)); // up to 30 s: keep [20 s, 30 s]
    const int kept = charts.graphPointCount(Series::RequestRate, 1);
    EXPECT_GE(kept, 20);
    EXPECT_LE(kept, 21);
    EXPECT_GE(charts.firstKey(Series::RequestRate, 1), 20.0 - 1e-9);
    EXPECT_GE(charts.firstKey(Series::SessionMisses), 20.0 - 1e-9);
}

TEST_F(LoadChartsTest, NewRunClearsTheOldOne)
{
    LoadCharts charts;
    charts.showSnapshot(makeSnapshot(0, 30));
    charts.showSnapshot(makeSnapshot(0, 3));
    EXPECT_EQ(charts.graphPointCount(Series::RequestRate, 0), 3);
}

TEST_F(LoadChartsTest, SavesPngAndPdf)
{
    LoadCharts charts;
    charts.resize(900, 500);
    charts.showSnapshot(makeSnapshot(0, 40));
    const QString dir = QStringLiteral(LBLAB_TEST_OUTPUT_DIR) + QStringLiteral("/load_charts");
    ASSERT_TRUE(QDir().mkpath(dir));
    const QString png = dir + QStringLiteral("/charts.png");
    const QString pdf = dir + QStringLiteral("/charts.pdf");
    QFile::remove(png);
    QFile::remove(pdf);
    ASSERT_TRUE(charts.saveImage(png));
    ASSERT_TRUE(charts.saveImage(pdf));
    EXPECT_GT(QFileInfo(png).size(), 1000);
    EXPECT_GT(QFileInfo(pdf).size(), 1000);
    QFile f(pdf);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    EXPECT_TRUE(f.read(5).startsWith("%PDF"));
    EXPECT_FALSE(charts.saveImage(dir + QStringLiteral("/charts.bmpx")));
    EXPECT_FALSE(charts.saveImage(QStringLiteral("/nonexistent-dir/x/charts.png")));
}

TEST_F(LoadChartsTest, RendersARealisticRun)
{
    // 80 s of a four-server run: s2 is killed at 30 s and back at 45 s; s4 has weight 2.
    lblab::Snapshot snap;
    snap.tUs = 80'000'000;
    for (int i = 0; i < 4; ++i) {
        lblab::ServerView s;
        s.name = "s" + std::to_string(i + 1);
        s.weight = i == 3 ? 2 : 1;
        snap.servers.push_back(s);
    }
    std::uint32_t noise = 12345;
    auto next = [&noise] { noise = noise * 1103515245u + 12345u; return (noise >> 16) % 100; };
    for (int k = 0; k < 160; ++k) {
        lblab::IntervalRow row;
        row.endUs = static_cast<std::int64_t>(k + 1) * 500'000;
        row.lengthUs = 500'000;
        const bool s2Down = k >= 60 && k < 90;
        for (int i = 0; i < 4; ++i) {
            lblab::ServerInterval si;
            const double base = (i == 3 ? 80.0 : 40.0) * (s2Down && i != 1 ? 1.33 : 1.0);
            si.requests = (i == 1 && s2Down) ? 0 : static_cast<std::uint64_t>(base * 0.5 + next() % 8);
            si.active = (i == 1 && s2Down) ? 0 : static_cast<int>(2 + next() % 5 + (i == 3 ? 3 : 0));
            si.p50Us = 2000 + next() * 10;
            si.p99Us = 9000 + next() * 120;
            si.state = (i == 1 && s2Down) ? lblab::ServerState::Down : lblab::ServerState::Up;
            row.servers.push_back(si);
        }
        row.sessionMisses = k >= 60 && k < 70 ? 6 + next() % 5 : next() % 2;
        row.affinityBreaks = next() % 3 == 0 ? 1 : 0;
        snap.history.push_back(row);
    }
    LoadCharts charts;
    charts.showSnapshot(snap);
    EXPECT_FALSE(lblab::test::savePanelGrab(charts, QStringLiteral("load_charts")).isEmpty());
    EXPECT_GE(charts.firstKey(Series::RequestRate, 0), 20.0 - 1e-9);
}
