#include "ui/compare_window.h"

#include "core/config/preset_catalog.h"
#include "qt_app.h"
#include "scoped_app_font.h"
#include "ui/assignment_map.h"
#include "ui/lab_bridge.h"
#include "ui/outcome_table.h"
#include "ui/screen_fit.h"

#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QScreen>

#include <gtest/gtest.h>

using lblab::LabConfig;
using lblab::TimelineStep;
using lblab::ui::CompareWindow;
using lblab::ui::OutcomeTable;
using lblab::test::waitUntil;

namespace {

LabConfig loginRoundRobin()
{
    const LabConfig* preset = lblab::PresetCatalog::find("login-round-robin");
    EXPECT_NE(preset, nullptr);
    LabConfig c = preset ? *preset : LabConfig{};
    c.clients.at(0).count = 40; // two labs at once on a loaded machine: keep them small
    c.requestRate = 150;
    return c;
}

// `part` wholly inside `window` (not cut by its edge).
bool wholeIn(const QWidget& window, const QWidget* part)
{
    return part->isVisible() && window.rect().contains(QRect(part->mapTo(&window, QPoint(0, 0)), part->size()));
}

std::uint64_t cellNumber(const OutcomeTable* table, const QString& row, OutcomeTable::Column column)
{
    bool ok = false;
    const std::uint64_t v = table->cellText(row, column).toULongLong(&ok);
    return ok ? v : 0;
}

class CompareWindowTest : public ::testing::Test {
protected:
    void SetUp() override { lblab::test::qtApp(); }
};

} // namespace

TEST_F(CompareWindowTest, RoundRobinMissesSessionsWhereCookieAffinityDoesNot)
{
    CompareWindow window(loginRoundRobin(), "round-robin", "cookie-affinity");
    EXPECT_EQ(window.bridgeA()->lab(), nullptr) << "nothing runs before show";
    window.show();
    window.resize(1500, 1000); // larger than the offscreen screen, which bounded its first size
    ASSERT_TRUE(waitUntil([&] { return window.bridgeA()->isActive() && window.bridgeB()->isActive(); }, 8000))
        << window.lastError().toStdString();
    EXPECT_NE(window.bridgeA()->balancerUrl(), window.bridgeB()->balancerUrl()) << "separate ports";

    const OutcomeTable* table = window.outcomeTable();
    ASSERT_TRUE(waitUntil(
        [&] {
            return cellNumber(table, "session requests", OutcomeTable::ColumnA) > 100 &&
                cellNumber(table, "session requests", OutcomeTable::ColumnB) > 100 &&
                cellNumber(table, "session misses", OutcomeTable::ColumnA) > 0 &&
                window.bridgeA()->latest()->tUs > 2'000'000;
        },
        10000))
        << table->cellText("session requests", OutcomeTable::ColumnA).toStdString();
    EXPECT_GT(cellNumber(table, "session misses", OutcomeTable::ColumnA), 0u);
    EXPECT_EQ(table->cellText("session misses", OutcomeTable::ColumnB), "0");
    EXPECT_TRUE(table->cellText("session misses", OutcomeTable::ColumnDifference).startsWith("-"))
        << table->cellText("session misses", OutcomeTable::ColumnDifference).toStdString();
    EXPECT_EQ(table->cellText("miss rate", OutcomeTable::ColumnB), "0.0 %");
    EXPECT_GT(cellNumber(table, "table size", OutcomeTable::ColumnB), 0u) << "cookie affinity keeps a table";
    EXPECT_EQ(table->cellText("table size", OutcomeTable::ColumnA), "0") << "round robin keeps none";
    EXPECT_GE(table->rowOf("s3 requests"), 0) << "one row per server";
    EXPECT_TRUE(table->horizontalHeaderItem(0)->text().contains("Round robin"));
    EXPECT_TRUE(table->horizontalHeaderItem(1)->text().contains("Cookie affinity"));

    EXPECT_EQ(window.mapA()->tileCount(), 40);
    EXPECT_EQ(window.mapB()->tileCount(), 40);
    EXPECT_EQ(window.titleA()->text(), "A: Round robin");
    EXPECT_EQ(window.titleB()->text(), "B: Cookie affinity");
    // Both maps get real room side by side, and neither overlaps the other nor the table.
    const QRect a = window.mapA()->geometry(), b = window.mapB()->geometry();
    EXPECT_GE(a.width(), 500);
    EXPECT_GE(a.height(), 300);
    EXPECT_FALSE(a.intersects(b));
    EXPECT_LE(window.mapA()->mapTo(&window, QPoint(0, window.mapA()->height())).y(),
              window.outcomeTable()->mapTo(&window, QPoint(0, 0)).y());

    QDir().mkpath(LBLAB_TEST_OUTPUT_DIR);
    EXPECT_TRUE(window.grab().save(QString(LBLAB_TEST_OUTPUT_DIR) + "/compare.png"));

    window.stopButton()->click();
    EXPECT_FALSE(window.bridgeA()->isActive());
    EXPECT_FALSE(window.bridgeB()->isActive());
    EXPECT_GT(cellNumber(table, "requests", OutcomeTable::ColumnA), 0u) << "outcomes stay after stop";
    EXPECT_EQ(window.startButton()->text(), "Start both");
}

TEST_F(CompareWindowTest, BothLabsGetTheSameWorkloadWithoutPolicySwitches)
{
    LabConfig c = loginRoundRobin();
    c.listenPort = 18080;
    c.seed = 42;
    c.timeline.push_back({5, TimelineStep::Action::SwitchPolicy, "cookie-affinity", 0, {}});
    c.timeline.push_back({6, TimelineStep::Action::KillBackend, "s2", 0, {}});
    CompareWindow window(c, "round-robin", "source-ip-affinity");
    EXPECT_TRUE(window.skippedPolicySwitches());
    for (int side : {0, 1}) {
        const LabConfig s = window.configFor(side);
        EXPECT_EQ(s.listenPort, 0) << "two labs cannot share a fixed port";
        EXPECT_EQ(s.seed, 42u);
        EXPECT_EQ(s.clients.at(0).count, 40);
        ASSERT_EQ(s.timeline.size(), c.timeline.size() - 1);
        for (const TimelineStep& step : s.timeline)
            EXPECT_NE(step.action, TimelineStep::Action::SwitchPolicy);
    }
    EXPECT_EQ(window.configFor(0).policy, "round-robin");
    EXPECT_EQ(window.configFor(1).policy, "source-ip-affinity");
}

TEST_F(CompareWindowTest, PickingAnotherPolicyRestartsBothFromTheStart)
{
    CompareWindow window(loginRoundRobin(), "round-robin", "cookie-affinity");
    window.show();
    auto runningFor = [&](const auto* bridge, std::int64_t us) { return bridge->latest() && bridge->latest()->tUs > us; };
    ASSERT_TRUE(waitUntil([&] { return runningFor(window.bridgeA(), 500'000) && runningFor(window.bridgeB(), 500'000); },
                          8000));
    const auto aBefore = window.bridgeA()->latest()->tUs;
    window.pickerB()->setCurrentIndex(window.pickerB()->findData("ip-hash"));
    EXPECT_EQ(window.policyB(), "ip-hash");
    EXPECT_EQ(window.titleB()->text(), "B: IP hash");
    // A run's clock only moves forward, so an earlier time on A means a new run. (Comparing Lab
    // pointers failed under TSan: the new Lab can be allocated where the old one was.)
    EXPECT_TRUE(waitUntil([&] { return window.bridgeA()->latest() && window.bridgeA()->latest()->tUs < aBefore; }, 5000))
        << "A restarts too, so both runs start at t = 0";
    ASSERT_TRUE(waitUntil([&] { return window.bridgeB()->latest() && window.bridgeB()->latest()->policy == "ip-hash"; },
                          5000));
    EXPECT_TRUE(window.outcomeTable()->horizontalHeaderItem(1)->text().contains("IP hash"));
    window.close();
    EXPECT_FALSE(window.bridgeA()->isActive()) << "closing stops both labs";
    EXPECT_FALSE(window.bridgeB()->isActive());
}

TEST_F(CompareWindowTest, ALabThatCannotStartIsReported)
{
    LabConfig c = loginRoundRobin();
    c.listenAddress = "192.0.2.1"; // TEST-NET-1: not an address of this machine, so listening fails
    CompareWindow window(c, "round-robin", "cookie-affinity");
    window.start();
    EXPECT_FALSE(window.bridgeA()->isActive());
    EXPECT_FALSE(window.bridgeB()->isActive());
    EXPECT_FALSE(window.lastError().isEmpty());
    EXPECT_FALSE(window.stopButton()->isEnabled());
    EXPECT_EQ(window.outcomeTable()->cellText("requests", OutcomeTable::ColumnA), "–");
}

// The window opens within the screen's available area (the offscreen screen is 800x800), not at
// 1500x1000 whatever the screen.
TEST_F(CompareWindowTest, ItsFirstSizeFitsTheScreen)
{
    CompareWindow window(loginRoundRobin(), "round-robin", "cookie-affinity");
    window.show();
    const QRect room = window.screen()->availableGeometry();
    EXPECT_TRUE(room.contains(window.frameGeometry()))
        << window.width() << "x" << window.height() << " on " << room.width() << "x" << room.height();
}

// On 1280x800 and 1366x768 projectors (also less a panel and a title bar), at the lab's text size
// and at presentation mode's: the buttons, both maps with a tile per client, and the outcome
// table's measures, all of them where there is room beside the maps.
TEST_F(CompareWindowTest, OnClassroomScreensEverythingStaysInView)
{
    for (const double points : {12.0, 15.6}) {
        const lblab::test::ScopedAppFont font(points);
        CompareWindow window(loginRoundRobin(), "round-robin", "cookie-affinity");
        window.show();
        ASSERT_TRUE(waitUntil([&] { return window.bridgeA()->latest() && window.bridgeB()->latest(); }, 8000));
        for (const QRect screen : {QRect(0, 0, 1280, 800), QRect(0, 0, 1366, 768), QRect(0, 27, 1366, 741),
                                   QRect(0, 32, 1366, 700)}) {
            window.resize(1500, 1000); // as built; the fit is the one the window makes when shown
            window.fitTo(screen);
            lblab::test::pumpEvents(50);
            const std::string where = std::to_string(screen.width()) + "x" + std::to_string(screen.height()) + " at " +
                std::to_string(static_cast<int>(points)) + " pt";
            EXPECT_EQ(window.size(), screen.size().shrunkBy(lblab::ui::ScreenFit::decoration(&window))) << where;
            for (const QWidget* part : std::initializer_list<const QWidget*>{
                     window.startButton(), window.stopButton(), window.pickerA(), window.pickerB(), window.titleA(),
                     window.titleB(), window.mapA(), window.mapB(), window.outcomeTable()})
                EXPECT_TRUE(wholeIn(window, part)) << where << ": " << part->metaObject()->className();
            EXPECT_FALSE(window.pickerA()->geometry().intersects(window.titleA()->geometry())) << where;
            EXPECT_EQ(window.mapA()->clientsPerTile(), 1) << where << ": every client its own tile";
            EXPECT_EQ(window.mapB()->clientsPerTile(), 1) << where;
            EXPECT_GE(window.mapA()->height(), window.mapA()->minimumSizeHint().height()) << where;
            const OutcomeTable* table = window.outcomeTable();
            const int lastMeasure = table->rowOf("max/mean");
            ASSERT_GE(lastMeasure, 0);
            // Every measure in view where the screen has room for them beside the maps; on the shortest
            // screens at presentation mode's text, the first five, and the rest a scroll away.
            const bool roomy = points < 13 && screen.height() > 720;
            const int lastInView = roomy ? lastMeasure : table->rowOf("miss rate");
            EXPECT_LE(table->visualRect(table->model()->index(lastInView, 0)).bottom(), table->viewport()->height())
                << where << ": the measures stay in view, only server rows scroll";
            window.grab().save(QString(LBLAB_TEST_OUTPUT_DIR) + "/compare_" + QString::number(screen.height()) + "_" +
                               QString::number(static_cast<int>(points)) + "pt.png");
        }
    }
}
