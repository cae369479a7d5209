#include "ui/load_charts.h"

#include "panels_qt_app.h"
#include "qt_app.h"
#include "ui/chart_marker_layer.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QRegularExpression>

#include <qcustomplot.h>

#include <gtest/gtest.h>

#include <cmath>

using lblab::LabEvent;
using lblab::LabEventKind;
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
        lblab::BackendView s;
        s.name = "s" + std::to_string(i + 1);
        s.weight = i == 2 ? 2 : 1;
        snap.servers.push_back(s);
    }
    for (int k = fromInterval; k < toInterval; ++k) {
        lblab::IntervalRow row;
        row.endUs = static_cast<std::int64_t>(k + 1) * 500'000;
        row.lengthUs = 500'000;
        for (int i = 0; i < 3; ++i) {
            lblab::BackendInterval si;
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

LabEvent entry(double seconds, LabEventKind kind, std::string subject, std::string detail = {})
{
    return LabEvent{static_cast<std::int64_t>(seconds * 1e6), kind, std::move(subject), std::move(detail)};
}

// Intervals up to `toInterval` (0.5 s each) with the lab log as it stands.
lblab::Snapshot withLog(int toInterval, const std::vector<LabEvent>& log)
{
    lblab::Snapshot snap = makeSnapshot(0, toInterval);
    snap.log = log;
    return snap;
}

std::vector<QString> markerLabels(const LoadCharts& charts)
{
    std::vector<QString> out;
    for (const auto& m : charts.markers())
        out.push_back(m.label);
    return out;
}

QString outputFile(const QString& name)
{
    const QString dir = QStringLiteral(LBLAB_TEST_OUTPUT_DIR) + QStringLiteral("/load_charts");
    QDir().mkpath(dir);
    QFile::remove(dir + QLatin1Char('/') + name);
    return dir + QLatin1Char('/') + name;
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
    down.servers[2].state = lblab::BackendState::Down;
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

// The Load dock is hidden while another panel is enlarged; an image saved then is laid out at a
// printable size of its own, with all five charts whole (none cut at the right edge).
TEST_F(LoadChartsTest, AHiddenPanelsImageShowsEveryChartWhole)
{
    QWidget dock; // never shown, as the hidden dock
    auto* charts = new LoadCharts(&dock);
    charts->resize(1274, 184); // its size at the bottom of a 1280x800 window
    charts->showSnapshot(makeSnapshot(0, 40));
    const QString dir = QStringLiteral(LBLAB_TEST_OUTPUT_DIR) + QStringLiteral("/load_charts");
    ASSERT_TRUE(QDir().mkpath(dir));
    const QString png = dir + QStringLiteral("/hidden.png");
    ASSERT_TRUE(charts->saveImage(png));
    EXPECT_GE(charts->height(), 300) << "tall enough to read";
    EXPECT_EQ(charts->width(), 1274) << "as wide as in its dock";
    const QList<QCustomPlot*> plots = charts->findChildren<QCustomPlot*>();
    ASSERT_EQ(plots.size(), 5);
    for (const QCustomPlot* plot : plots) {
        EXPECT_LE(plot->geometry().right(), charts->width() - 1) << charts->width();
        EXPECT_GE(plot->width(), plot->minimumWidth());
    }
    EXPECT_EQ(QImage(png).width(), charts->width());

    auto* fresh = new LoadCharts(&dock); // never laid out: 100x30
    fresh->showSnapshot(makeSnapshot(0, 40));
    ASSERT_TRUE(fresh->saveImage(dir + QStringLiteral("/never_laid_out.png")));
    EXPECT_GE(fresh->width(), fresh->minimumSizeHint().width());
    for (const QCustomPlot* plot : fresh->findChildren<QCustomPlot*>())
        EXPECT_LE(plot->geometry().right(), fresh->width() - 1) << fresh->width();
}

TEST_F(LoadChartsTest, RendersARealisticRun)
{
    // 80 s of a four-server run: s2 is killed at 30 s and back at 45 s; s4 has weight 2.
    lblab::Snapshot snap;
    snap.tUs = 80'000'000;
    for (int i = 0; i < 4; ++i) {
        lblab::BackendView s;
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
            lblab::BackendInterval si;
            const double base = (i == 3 ? 80.0 : 40.0) * (s2Down && i != 1 ? 1.33 : 1.0);
            si.requests = (i == 1 && s2Down) ? 0 : static_cast<std::uint64_t>(base * 0.5 + next() % 8);
            si.active = (i == 1 && s2Down) ? 0 : static_cast<int>(2 + next() % 5 + (i == 3 ? 3 : 0));
            si.p50Us = 2000 + next() * 10;
            si.p99Us = 9000 + next() * 120;
            si.state = (i == 1 && s2Down) ? lblab::BackendState::Down : lblab::BackendState::Up;
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

TEST_F(LoadChartsTest, MarksAKillAPolicySwitchAndAnIpBurstButNotALoneIpChange)
{
    LoadCharts charts;
    charts.resize(1400, 400);
    charts.show();
    std::vector<LabEvent> log{entry(0, LabEventKind::RunStarted, "test", "policy round-robin")};
    log.push_back(entry(3, LabEventKind::BackendDown, "s2", "killed: stopped accepting and dropped its connections"));
    charts.showSnapshot(withLog(8, log));
    log.push_back(entry(5, LabEventKind::PolicySwitched, "cookie-affinity", "from round-robin; no pins to hand over"));
    charts.showSnapshot(withLog(12, log));
    // Twenty phones moved at once, seen over two snapshots; each snapshot repeats the whole log.
    for (int i = 0; i < 20; ++i) {
        const std::string host = std::to_string(i + 2);
        log.push_back(entry(7 + 0.01 * i, LabEventKind::IpChanged, "c" + host, "127.0.0." + host + " -> 127.1.0." + host));
        if (i == 7)
            charts.showSnapshot(withLog(15, log));
    }
    charts.showSnapshot(withLog(16, log));
    // One phone changing network now and then is no event.
    log.push_back(entry(9.5, LabEventKind::IpChanged, "c30", "127.0.0.40 -> 127.1.0.40"));
    charts.showSnapshot(withLog(20, log));
    charts.showSnapshot(withLog(20, log));

    EXPECT_EQ(markerLabels(charts), (std::vector<QString>{QStringLiteral("s2 killed"), QStringLiteral("→ cookie-affinity"),
                                                          QStringLiteral("20 IP changes")}));
    ASSERT_EQ(charts.markers().size(), 3u);
    EXPECT_DOUBLE_EQ(charts.markers()[0].x, 3.0);
    EXPECT_DOUBLE_EQ(charts.markers()[1].x, 5.0);
    EXPECT_DOUBLE_EQ(charts.markers()[2].x, 7.0);

    // Every time chart draws them (once the queued replot ran), each label readable on its own row.
    auto placed = [&charts] {
        for (Series series : {Series::RequestRate, Series::ActiveConnections, Series::LatencyP50, Series::SessionMisses})
            for (int i = 0; i < charts.markerLayer(series)->markerCount(); ++i)
                if (charts.markerLayer(series)->labelRow(i) < 0)
                    return false;
        return true;
    };
    lblab::test::waitUntil(placed, 5000); // the labels' rows are checked one by one below
    for (Series series : {Series::RequestRate, Series::ActiveConnections, Series::LatencyP50, Series::SessionMisses}) {
        const lblab::ui::ChartMarkerLayer* layer = charts.markerLayer(series);
        ASSERT_NE(layer, nullptr);
        ASSERT_EQ(layer->markerCount(), 3);
        for (int i = 0; i < 3; ++i) {
            EXPECT_EQ(layer->labelText(i), charts.markers()[static_cast<std::size_t>(i)].label);
            EXPECT_GE(layer->labelRow(i), 0) << "label " << i << " left out";
        }
    }
    EXPECT_EQ(charts.markerLayer(Series::Share), nullptr);
    EXPECT_FALSE(lblab::test::savePanelGrab(charts, QStringLiteral("load_charts_markers"), QSize(1400, 400)).isEmpty());
}

TEST_F(LoadChartsTest, ANewRunClearsTheMarkers)
{
    LoadCharts charts;
    charts.showSnapshot(withLog(20, {entry(0, LabEventKind::RunStarted, "test"),
                                     entry(3, LabEventKind::BackendDown, "s2", "killed: stopped")}));
    ASSERT_EQ(charts.markers().size(), 1u);
    charts.showSnapshot(withLog(3, {entry(0, LabEventKind::RunStarted, "test")}));
    EXPECT_TRUE(charts.markers().empty());
    EXPECT_EQ(charts.markerLayer(Series::RequestRate)->markerCount(), 0);
    // The same kill in the new run is marked again.
    charts.showSnapshot(withLog(8, {entry(0, LabEventKind::RunStarted, "test"),
                                    entry(3, LabEventKind::BackendDown, "s2", "killed: stopped")}));
    EXPECT_EQ(charts.markers().size(), 1u);
}

TEST_F(LoadChartsTest, MarkersLeaveWithTheWindow)
{
    LoadCharts charts;
    charts.setWindowSeconds(10);
    std::vector<LabEvent> log{entry(0, LabEventKind::RunStarted, "test"), entry(3, LabEventKind::BackendDown, "s2", "killed")};
    charts.showSnapshot(withLog(20, log)); // up to 10 s
    ASSERT_EQ(charts.markers().size(), 1u);
    log.push_back(entry(18, LabEventKind::BackendAdded, "s4", "added to the set"));
    charts.showSnapshot(withLog(44, log)); // up to 22 s: the window starts at 12 s
    EXPECT_EQ(markerLabels(charts), (std::vector<QString>{QStringLiteral("+ s4")}));
    EXPECT_EQ(charts.markerLayer(Series::LatencyP50)->markerCount(), 1);
    charts.showSnapshot(withLog(60, log)); // up to 30 s
    EXPECT_TRUE(charts.markers().empty());
}

TEST_F(LoadChartsTest, MarkersStayWhileTheBoundedLogDropsTheirEntries)
{
    // The snapshot's log keeps the last 400 entries; the kill falls out of it at about 6 s.
    LoadCharts charts;
    std::vector<LabEvent> all{entry(0, LabEventKind::RunStarted, "test"), entry(2, LabEventKind::BackendDown, "s2", "killed")};
    for (int k = 5; k <= 20; ++k) {
        for (int i = 0; i < 40; ++i)
            all.push_back(entry(0.5 * k + 0.001 * i, LabEventKind::Note, "clients", std::to_string(k * 100 + i)));
        const std::size_t from = all.size() > 400 ? all.size() - 400 : 0;
        charts.showSnapshot(withLog(k, std::vector<LabEvent>(all.begin() + static_cast<std::ptrdiff_t>(from), all.end())));
    }
    EXPECT_EQ(markerLabels(charts), (std::vector<QString>{QStringLiteral("s2 killed")}));
}

TEST_F(LoadChartsTest, FontScaleScalesEveryChartFont)
{
    LoadCharts charts;
    charts.showSnapshot(makeSnapshot(0, 10));
    const double title = charts.titleFont().pointSizeF();
    EXPECT_DOUBLE_EQ(title, 11.0);
    EXPECT_DOUBLE_EQ(charts.fontScale(), 1.0);
    const double marker = charts.markerLayer(Series::RequestRate)->font().pointSizeF();
    auto plotsOf = [&] { return charts.findChildren<QCustomPlot*>(); };
    ASSERT_EQ(plotsOf().size(), 5);
    const double tick = plotsOf().front()->xAxis->tickLabelFont().pointSizeF();
    const double legend = plotsOf().front()->legend->font().pointSizeF();

    charts.setFontScale(1.5);
    EXPECT_DOUBLE_EQ(charts.fontScale(), 1.5);
    EXPECT_DOUBLE_EQ(charts.titleFont().pointSizeF(), 1.5 * title);
    EXPECT_DOUBLE_EQ(charts.markerLayer(Series::SessionMisses)->font().pointSizeF(), 1.5 * marker);
    for (QCustomPlot* plot : plotsOf()) {
        EXPECT_DOUBLE_EQ(plot->xAxis->tickLabelFont().pointSizeF(), 1.5 * tick);
        EXPECT_DOUBLE_EQ(plot->yAxis->tickLabelFont().pointSizeF(), 1.5 * tick);
        EXPECT_DOUBLE_EQ(plot->xAxis->labelFont().pointSizeF(), 1.5 * tick);
        EXPECT_DOUBLE_EQ(plot->legend->font().pointSizeF(), 1.5 * legend);
        for (int i = 0; i < plot->legend->itemCount(); ++i)
            EXPECT_DOUBLE_EQ(plot->legend->item(i)->font().pointSizeF(), 1.5 * legend);
    }
    // Servers that appear later get the scaled legend font too.
    lblab::Snapshot more = makeSnapshot(0, 12);
    more.servers.push_back(more.servers.back());
    more.servers.back().name = "s4";
    charts.showSnapshot(more);
    const QCPLegend* legendOfRate = plotsOf().front()->legend;
    EXPECT_DOUBLE_EQ(legendOfRate->item(legendOfRate->itemCount() - 1)->font().pointSizeF(), 1.5 * legend);

    charts.setFontScale(1.0);
    EXPECT_DOUBLE_EQ(charts.titleFont().pointSizeF(), title);
    charts.setFontScale(100);
    EXPECT_DOUBLE_EQ(charts.fontScale(), 4.0);
}

TEST_F(LoadChartsTest, ExportedImagesCarryATitleLine)
{
    LoadCharts charts;
    charts.resize(900, 500);
    lblab::Snapshot snap = makeSnapshot(0, 84); // 42 s
    snap.preset = "login-round-robin";
    snap.policy = "cookie-affinity";
    snap.log = {entry(0, LabEventKind::RunStarted, "login-round-robin", "policy round-robin"),
                entry(30, LabEventKind::PolicySwitched, "cookie-affinity", "from round-robin; 10 pins dropped")};
    charts.showSnapshot(snap);
    EXPECT_EQ(charts.imageTitle(),
              QStringLiteral("LB Lab · login-round-robin · policy round-robin → cookie-affinity · t = 42.0 s"));

    const QString png = outputFile(QStringLiteral("titled.png"));
    ASSERT_TRUE(charts.saveImage(png));
    const QImage image(png);
    ASSERT_FALSE(image.isNull());
    EXPECT_GT(image.height(), charts.height()) << "a title band above the charts";
    EXPECT_EQ(image.width(), charts.width());
    // The band is drawn: its left part holds dark text pixels.
    int dark = 0;
    for (int y = 0; y < image.height() - charts.height(); ++y)
        for (int x = 0; x < 300; ++x)
            dark += qGray(image.pixel(x, y)) < 100 ? 1 : 0;
    EXPECT_GT(dark, 20);

    const QString pdf = outputFile(QStringLiteral("titled.pdf"));
    ASSERT_TRUE(charts.saveImage(pdf));
    QFile f(pdf);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const QString content = QString::fromLatin1(f.readAll());
    const auto box = QRegularExpression(QStringLiteral("/MediaBox \\[\\s*0 0 ([0-9.]+) ([0-9.]+)\\s*\\]")).match(content);
    ASSERT_TRUE(box.hasMatch());
    EXPECT_GT(box.captured(2).toDouble(), charts.height());

    // Once the switch has left the window, only the policy in force is named.
    charts.setWindowSeconds(5);
    lblab::Snapshot later = makeSnapshot(0, 90);
    later.preset = snap.preset;
    later.policy = snap.policy;
    later.log = snap.log;
    charts.showSnapshot(later);
    EXPECT_EQ(charts.imageTitle(), QStringLiteral("LB Lab · login-round-robin · policy cookie-affinity · t = 45.0 s"));
}

TEST(LoadChartsTitles, LargeTextNeverCutsAChartsTitle)
{
    lblab::test::panelsQtApp();
    LoadCharts charts;
    charts.resize(1100, 260); // five charts in a row, as at the bottom of a 1600 px window
    charts.show();
    QCoreApplication::processEvents();
    charts.setFontScale(1.6); // presentation mode and a step larger
    const QList<QCustomPlot*> plots = charts.findChildren<QCustomPlot*>();
    ASSERT_EQ(plots.size(), 5);
    const QStringList titles = {"Requests per second", "Active connections", "Latency ms (p99 dashed)",
                                "Misses & breaks per s", "Share vs. ideal (dashed)"};
    bool shrunk = false;
    for (int i = 0; i < 5; ++i) {
        const QFont f = charts.shownTitleFont(i);
        EXPECT_LE(QFontMetrics(f).horizontalAdvance(titles[i]), plots[i]->width()) << titles[i].toStdString();
        shrunk = shrunk || f.pointSizeF() < charts.titleFont().pointSizeF();
    }
    EXPECT_TRUE(shrunk) << "at this width some title had to give way";
    charts.resize(3000, 260);
    EXPECT_DOUBLE_EQ(charts.shownTitleFont(0).pointSizeF(), charts.titleFont().pointSizeF()) << "room again: full size";
}

TEST_F(LoadChartsTest, DrawsTheLatencyTheSessionStoreAddsBesideTheServers)
{
    LoadCharts charts;
    lblab::Snapshot snap = makeSnapshot(0, 6);
    charts.showSnapshot(snap);
    EXPECT_EQ(charts.graphPointCount(Series::StoreLatencyP99), 0) << "sessions on each server add nothing to draw";
    // The marker layer belongs to the latency chart's plot.
    const auto* latency = qobject_cast<const QCustomPlot*>(charts.markerLayer(Series::LatencyP50)->parent());
    ASSERT_NE(latency, nullptr);
    auto inLegend = [&] {
        for (int i = 0; i < latency->legend->itemCount(); ++i)
            if (auto* item = qobject_cast<QCPPlottableLegendItem*>(latency->legend->item(i));
                item && item->plottable()->name() == QStringLiteral("store p99"))
                return true;
        return false;
    };
    EXPECT_FALSE(inLegend());

    // A shared store: one interval per capture interval, on the same clock; an idle one is skipped.
    snap = makeSnapshot(0, 8);
    snap.store.kind = lblab::SessionStoreKind::Shared;
    for (int k = 0; k < 8; ++k)
        snap.store.history.push_back({static_cast<std::int64_t>(k + 1) * 500'000, k == 2 ? 0u : 100u, 0u, 80u,
                                      static_cast<std::uint32_t>(300 + 100 * k)});
    charts.showSnapshot(snap);
    EXPECT_EQ(charts.graphPointCount(Series::StoreLatencyP99), 7);
    EXPECT_DOUBLE_EQ(charts.lastValue(Series::StoreLatencyP99), 1.0) << "ms, the last interval's p99";
    EXPECT_DOUBLE_EQ(charts.firstKey(Series::StoreLatencyP99), 0.5) << "seconds since start, as the servers' lines";
    EXPECT_TRUE(inLegend());
    EXPECT_EQ(charts.markerLayer(Series::StoreLatencyP99), charts.markerLayer(Series::LatencyP99));

    // Only new intervals are appended.
    snap.store.history.push_back({4'500'000, 100, 0, 80, 2'000});
    charts.showSnapshot(snap);
    EXPECT_EQ(charts.graphPointCount(Series::StoreLatencyP99), 8);
    EXPECT_DOUBLE_EQ(charts.lastValue(Series::StoreLatencyP99), 2.0);
    charts.showSnapshot(snap);
    EXPECT_EQ(charts.graphPointCount(Series::StoreLatencyP99), 8);
    EXPECT_FALSE(lblab::test::savePanelGrab(charts, QStringLiteral("load_charts_store"), QSize(1400, 300)).isEmpty());

    // A new run without a store forgets the line and its legend entry.
    charts.showSnapshot(makeSnapshot(0, 2));
    EXPECT_EQ(charts.graphPointCount(Series::StoreLatencyP99), 0);
    EXPECT_FALSE(inLegend());
}
