#include "ui/event_log_panel.h"

#include "panels_qt_app.h"

#include <QScrollBar>
#include <QTreeWidget>

#include <gtest/gtest.h>

using lblab::LabEvent;
using lblab::LabEventKind;
using lblab::ui::EventLogPanel;

namespace {

LabEvent event(std::int64_t tUs, LabEventKind kind, std::string subject, std::string detail = {})
{
    return LabEvent{tUs, kind, std::move(subject), std::move(detail)};
}

std::vector<LabEvent> sampleLog()
{
    return {
        event(0, LabEventKind::RunStarted, "lab", "preset mobile-users"),
        event(2'500'000, LabEventKind::IpChanged, "c17", "127.0.3.17 -> 127.0.9.4"),
        event(2'500'000, LabEventKind::IpChanged, "c18", "127.0.3.18 -> 127.0.9.5"),
        event(65'300'000, LabEventKind::BackendDown, "s2", "killed by the user"),
        event(66'000'000, LabEventKind::Repinned, "127.0.3.20", "s2 -> s3"),
        event(70'000'000, LabEventKind::PolicySwitched, "cookie-affinity", "existing pins dropped"),
    };
}

lblab::Snapshot withLog(std::vector<LabEvent> log, std::int64_t tUs = 80'000'000)
{
    lblab::Snapshot snap;
    snap.tUs = tUs;
    snap.log = std::move(log);
    return snap;
}

class EventLogPanelTest : public ::testing::Test {
protected:
    void SetUp() override { lblab::test::panelsQtApp(); }
};

} // namespace

TEST_F(EventLogPanelTest, FormatsTimesAsMinutesAndSeconds)
{
    EXPECT_EQ(EventLogPanel::formatTime(0), QStringLiteral("00:00.0"));
    EXPECT_EQ(EventLogPanel::formatTime(2'540'000), QStringLiteral("00:02.5"));
    EXPECT_EQ(EventLogPanel::formatTime(65'300'000), QStringLiteral("01:05.3"));
    EXPECT_EQ(EventLogPanel::formatTime(-5), QStringLiteral("00:00.0"));
}

TEST_F(EventLogPanelTest, ShowsEventsOldestFirst)
{
    EventLogPanel panel;
    panel.showSnapshot(withLog(sampleLog()));
    ASSERT_EQ(panel.rowCount(), 6);
    EXPECT_EQ(panel.cellText(0, 1), QStringLiteral("run started"));
    EXPECT_EQ(panel.cellText(1, 2), QStringLiteral("c17"));
    EXPECT_EQ(panel.cellText(2, 2), QStringLiteral("c18"));
    EXPECT_EQ(panel.cellText(3, 0), QStringLiteral("01:05.3"));
    EXPECT_EQ(panel.cellText(3, 1), QStringLiteral("server down"));
    EXPECT_EQ(panel.cellText(5, 3), QStringLiteral("existing pins dropped"));
    EXPECT_NE(EventLogPanel::kindColour(LabEventKind::BackendDown), EventLogPanel::kindColour(LabEventKind::BackendUp));
    EXPECT_NE(EventLogPanel::kindColour(LabEventKind::PolicySwitched), EventLogPanel::kindColour(LabEventKind::Note));
}

TEST_F(EventLogPanelTest, AppendsOnlyNewEventsFromABoundedLog)
{
    EventLogPanel panel;
    std::vector<LabEvent> log = sampleLog();
    panel.showSnapshot(withLog({log.begin(), log.begin() + 2})); // up to c17's change
    EXPECT_EQ(panel.rowCount(), 2);
    panel.showSnapshot(withLog({log.begin(), log.begin() + 2})); // nothing new
    EXPECT_EQ(panel.rowCount(), 2);
    // c18 changed at the same microsecond as c17: still new. The log dropped its oldest entry.
    panel.showSnapshot(withLog({log.begin() + 1, log.begin() + 4}));
    ASSERT_EQ(panel.rowCount(), 4);
    EXPECT_EQ(panel.cellText(2, 2), QStringLiteral("c18"));
    EXPECT_EQ(panel.cellText(3, 2), QStringLiteral("s2"));
    panel.showSnapshot(withLog({log.begin() + 3, log.end()}));
    ASSERT_EQ(panel.rowCount(), 6);
    EXPECT_EQ(panel.cellText(5, 2), QStringLiteral("cookie-affinity"));
}

TEST_F(EventLogPanelTest, NewRunClearsTheLog)
{
    EventLogPanel panel;
    panel.showSnapshot(withLog(sampleLog()));
    panel.showSnapshot(withLog({event(100'000, LabEventKind::RunStarted, "lab")}, 200'000));
    ASSERT_EQ(panel.rowCount(), 1);
    EXPECT_EQ(panel.cellText(0, 0), QStringLiteral("00:00.1"));
}

TEST_F(EventLogPanelTest, FiltersByKind)
{
    EventLogPanel panel;
    panel.setKindShown(LabEventKind::IpChanged, false);
    panel.showSnapshot(withLog(sampleLog()));
    EXPECT_EQ(panel.rowCount(), 6);
    EXPECT_EQ(panel.visibleRowCount(), 4);
    panel.setKindShown(LabEventKind::BackendDown, false);
    EXPECT_EQ(panel.visibleRowCount(), 3);
    panel.setKindShown(LabEventKind::IpChanged, true);
    panel.setKindShown(LabEventKind::BackendDown, true);
    EXPECT_EQ(panel.visibleRowCount(), 6);
}

TEST_F(EventLogPanelTest, BoundsTheRows)
{
    EventLogPanel panel;
    std::vector<LabEvent> log;
    for (int i = 0; i < EventLogPanel::kMaxRows + 300; ++i)
        log.push_back(event(i * 1000, LabEventKind::Note, "n" + std::to_string(i)));
    panel.showSnapshot(withLog(log, 10'000'000));
    EXPECT_EQ(panel.rowCount(), EventLogPanel::kMaxRows);
    EXPECT_EQ(panel.cellText(EventLogPanel::kMaxRows - 1, 2), QString::fromStdString(log.back().subject));
    log.push_back(event(6'000'000, LabEventKind::Note, "last"));
    panel.showSnapshot(withLog(log, 10'000'000));
    EXPECT_EQ(panel.rowCount(), EventLogPanel::kMaxRows);
    EXPECT_EQ(panel.cellText(EventLogPanel::kMaxRows - 1, 2), QStringLiteral("last"));
}

TEST_F(EventLogPanelTest, FollowsNewEventsUnlessTheUserScrolledUp)
{
    EventLogPanel panel;
    panel.resize(700, 250);
    panel.show();
    std::vector<LabEvent> log;
    for (int i = 0; i < 100; ++i)
        log.push_back(event(i * 100'000, LabEventKind::Note, "n" + std::to_string(i)));
    panel.showSnapshot(withLog(log));
    QApplication::processEvents();
    QScrollBar* bar = panel.view()->verticalScrollBar();
    ASSERT_GT(bar->maximum(), 0);
    EXPECT_EQ(bar->value(), bar->maximum());

    bar->setValue(0); // the user reads older events
    log.push_back(event(20'000'000, LabEventKind::Note, "new"));
    panel.showSnapshot(withLog(log));
    QApplication::processEvents();
    EXPECT_EQ(bar->value(), 0);
    EXPECT_FALSE(panel.followsNewest());

    bar->setValue(bar->maximum()); // back at the bottom: follows again
    log.push_back(event(21'000'000, LabEventKind::Note, "newer"));
    panel.showSnapshot(withLog(log));
    QApplication::processEvents();
    EXPECT_EQ(bar->value(), bar->maximum());
}

TEST_F(EventLogPanelTest, RendersARealisticLog)
{
    std::vector<LabEvent> log = sampleLog();
    for (int i = 0; i < 12; ++i)
        log.push_back(event(71'000'000 + i * 900'000, LabEventKind::IpChanged, "c" + std::to_string(30 + i),
                            "127.0.3." + std::to_string(30 + i) + " -> 127.0.9." + std::to_string(60 + i)));
    log.push_back(event(83'000'000, LabEventKind::BackendUp, "s2", "2 health checks passed"));
    log.push_back(event(84'500'000, LabEventKind::WeightChanged, "s3", "weight 1 -> 3"));
    log.push_back(event(86'000'000, LabEventKind::Error, "balancer",
                        "connect to s4 failed: connection refused; the request was retried on s1"));
    log.push_back(event(87'000'000, LabEventKind::Note, "timeline", "Now switch to cookie affinity and compare."));
    EventLogPanel panel;
    panel.showSnapshot(withLog(log, 90'000'000));
    EXPECT_FALSE(lblab::test::savePanelGrab(panel, QStringLiteral("event_log")).isEmpty());
}

TEST_F(EventLogPanelTest, TheSessionStoreDyingAndComingBackReadsAtAGlance)
{
    EventLogPanel panel;
    std::vector<LabEvent> log = sampleLog();
    log.push_back(event(75'000'000, LabEventKind::StoreDown, "session store",
                        "Redis killed: every session in it is gone, so every server's logged-in users fail at once"));
    log.push_back(event(80'000'000, LabEventKind::StoreUp, "session store", "Redis restored, empty"));
    panel.showSnapshot(withLog(log, 81'000'000));
    ASSERT_EQ(panel.rowCount(), 8);
    EXPECT_EQ(panel.cellText(6, 1), QStringLiteral("store down"));
    EXPECT_EQ(panel.cellText(6, 2), QStringLiteral("session store"));
    EXPECT_TRUE(panel.cellText(6, 3).startsWith("Redis killed")) << panel.cellText(6, 3).toStdString();
    EXPECT_EQ(panel.cellText(7, 1), QStringLiteral("store up"));
    EXPECT_EQ(EventLogPanel::kindColour(LabEventKind::StoreDown), EventLogPanel::kindColour(LabEventKind::BackendDown))
        << "red, as a server that dies";
    EXPECT_EQ(EventLogPanel::kindColour(LabEventKind::StoreUp), EventLogPanel::kindColour(LabEventKind::BackendUp));
    const QTreeWidgetItem* down = panel.view()->topLevelItem(6);
    EXPECT_TRUE(down->font(1).bold());
    EXPECT_EQ(down->foreground(3).color(), EventLogPanel::kindColour(LabEventKind::StoreDown));

    // Their own filter.
    panel.setKindShown(LabEventKind::StoreDown, false);
    panel.setKindShown(LabEventKind::StoreUp, false);
    EXPECT_EQ(panel.visibleRowCount(), 6);
    EXPECT_FALSE(panel.kindShown(LabEventKind::StoreDown));
    EXPECT_TRUE(panel.kindShown(LabEventKind::BackendDown));
    panel.setKindShown(LabEventKind::StoreDown, true);
    EXPECT_EQ(panel.visibleRowCount(), 7);
    panel.setKindShown(LabEventKind::StoreUp, true);
    EXPECT_FALSE(lblab::test::savePanelGrab(panel, QStringLiteral("event_log_store"), QSize(900, 280)).isEmpty());
}
