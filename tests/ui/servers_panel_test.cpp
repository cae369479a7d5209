#include "ui/servers_panel.h"

#include "qt_app.h"
#include "ui/server_card.h"
#include "ui/number_field.h"

#include <QDir>
#include <QPushButton>
#include <QToolButton>
#include <QSpinBox>

#include <QTest>

#include <gtest/gtest.h>

using lblab::BackendState;
using lblab::BackendView;
using lblab::Snapshot;
using lblab::ui::ServerCard;
using lblab::ui::ServersPanel;

namespace {

Snapshot fleet()
{
    Snapshot s;
    const char* names[] = {"s1", "s2", "s3", "s4"};
    for (int i = 0; i < 4; ++i) {
        BackendView v;
        v.name = names[i];
        v.weight = i + 1;
        v.active = 10 + i;
        v.rps = 120.4 + i;
        v.sessions = 30 + i;
        v.p50Us = 1500;
        v.p99Us = 12'300;
        v.requests = 1000;
        s.servers.push_back(v);
    }
    s.servers[1].state = BackendState::Down;
    s.servers[1].killed = true;
    s.servers[2].state = BackendState::Draining;
    s.servers[3].state = BackendState::Removed;
    return s;
}

class ServersPanelTest : public ::testing::Test {
protected:
    void SetUp() override { lblab::test::qtApp(); }
};

} // namespace

TEST_F(ServersPanelTest, OneCardPerBackendNotRemoved)
{
    ServersPanel panel;
    EXPECT_EQ(panel.cardCount(), 0);
    panel.showSnapshot(fleet());
    EXPECT_EQ(panel.cardCount(), 3);
    EXPECT_NE(panel.card("s1"), nullptr);
    EXPECT_EQ(panel.card("s4"), nullptr);
}

TEST_F(ServersPanelTest, CardsShowStateAndLoad)
{
    ServersPanel panel;
    panel.showSnapshot(fleet());
    ServerCard* s1 = panel.card("s1");
    ASSERT_NE(s1, nullptr);
    EXPECT_EQ(s1->stateText(), "UP");
    EXPECT_TRUE(s1->statsText().contains("10 active")) << s1->statsText().toStdString();
    EXPECT_TRUE(s1->statsText().contains("120 req/s"));
    EXPECT_TRUE(s1->statsText().contains("30 sessions"));
    EXPECT_TRUE(s1->statsText().contains("p99 12.3 ms"));
    EXPECT_FALSE(s1->statsText().contains('\n')) << "one line of figures, so three cards fit beside the map";
    EXPECT_TRUE(s1->toolTip().contains("p50 1.50 ms")) << s1->toolTip().toStdString();
    EXPECT_EQ(s1->weightBox()->value(), 1);
    EXPECT_EQ(s1->killButton()->text(), "Kill");
    EXPECT_EQ(s1->drainButton()->text(), "Drain");

    ServerCard* s2 = panel.card("s2");
    ASSERT_NE(s2, nullptr);
    EXPECT_EQ(s2->stateText(), "KILLED");
    EXPECT_EQ(s2->killButton()->text(), "Restore");

    ServerCard* s3 = panel.card("s3");
    ASSERT_NE(s3, nullptr);
    EXPECT_EQ(s3->stateText(), "DRAINING");
    EXPECT_EQ(s3->drainButton()->text(), "Undrain");
    EXPECT_EQ(s3->weightBox()->value(), 3);
}

TEST_F(ServersPanelTest, ButtonsEmitCommandsWithTheServersName)
{
    ServersPanel panel;
    panel.showSnapshot(fleet());
    QStringList log;
    QObject::connect(&panel, &ServersPanel::killRequested, [&](const QString& n) { log << "kill " + n; });
    QObject::connect(&panel, &ServersPanel::restoreRequested, [&](const QString& n) { log << "restore " + n; });
    QObject::connect(&panel, &ServersPanel::drainRequested,
                     [&](const QString& n, bool d) { log << QString("drain %1 %2").arg(n).arg(d); });
    QObject::connect(&panel, &ServersPanel::weightRequested,
                     [&](const QString& n, int w) { log << QString("weight %1 %2").arg(n).arg(w); });
    QObject::connect(&panel, &ServersPanel::removeRequested, [&](const QString& n) { log << "remove " + n; });
    QObject::connect(&panel, &ServersPanel::addRequested, [&] { log << "add"; });

    panel.card("s1")->killButton()->click();
    panel.card("s2")->killButton()->click();
    panel.card("s1")->drainButton()->click();
    panel.card("s3")->drainButton()->click();
    panel.card("s1")->weightBox()->setValue(5);
    panel.card("s3")->removeButton()->click();
    panel.addButton()->click();
    EXPECT_EQ(log, (QStringList{"kill s1", "restore s2", "drain s1 1", "drain s3 0", "weight s1 5", "remove s3", "add"}));
}

TEST_F(ServersPanelTest, SnapshotUpdatesDoNotEmitCommands)
{
    ServersPanel panel;
    int commands = 0;
    QObject::connect(&panel, &ServersPanel::weightRequested, [&](const QString&, int) { ++commands; });
    Snapshot s = fleet();
    panel.showSnapshot(s);
    s.servers[0].weight = 7;
    panel.showSnapshot(s);
    EXPECT_EQ(panel.card("s1")->weightBox()->value(), 7);
    EXPECT_EQ(commands, 0);
}

TEST_F(ServersPanelTest, RestoredAndAddedServersFollowTheSnapshot)
{
    ServersPanel panel;
    Snapshot s = fleet();
    panel.showSnapshot(s);
    s.servers[1].state = BackendState::Up;
    s.servers[1].killed = false;
    BackendView s5;
    s5.name = "s5";
    s.servers.push_back(s5);
    panel.showSnapshot(s);
    EXPECT_EQ(panel.card("s2")->stateText(), "UP");
    EXPECT_EQ(panel.cardCount(), 4);
    ASSERT_NE(panel.card("s5"), nullptr);
    EXPECT_EQ(panel.card("s5")->index(), 4);
}

TEST_F(ServersPanelTest, SaveScreenshot)
{
    ServersPanel panel;
    QFont f = panel.font();
    f.setPointSize(12);
    panel.setFont(f);
    panel.resize(400, 640);
    panel.showSnapshot(fleet());
    QDir().mkpath(LBLAB_TEST_OUTPUT_DIR);
    EXPECT_TRUE(panel.grab().save(QString(LBLAB_TEST_OUTPUT_DIR) + "/servers_panel.png"));
}

TEST_F(ServersPanelTest, ATypedWeightOutOfRangeIsCorrectedAndSaysWhy)
{
    ServersPanel panel;
    panel.showSnapshot(fleet());
    panel.show();
    QStringList messages;
    QObject::connect(&panel, &ServersPanel::inputCorrected, [&](const QString& m) { messages << m; });
    lblab::ui::NumberField* weight = panel.card("s1")->weightBox();
    weight->setFocus();
    weight->editor()->selectAll();
    QTest::keyClicks(weight, "150");
    EXPECT_TRUE(weight->editor()->text().endsWith("150")) << "kept as typed until committed";
    QTest::keyClick(weight, Qt::Key_Return);
    EXPECT_EQ(weight->value(), 100);
    ASSERT_EQ(messages.size(), 1);
    EXPECT_TRUE(messages[0].contains("150")) << messages[0].toStdString();
    EXPECT_TRUE(messages[0].contains("s1")) << messages[0].toStdString();
}
