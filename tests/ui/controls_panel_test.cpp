#include "ui/controls_panel.h"

#include "qt_app.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>

#include <gtest/gtest.h>

using lblab::LabConfig;
using lblab::PolicyDescriptor;
using lblab::RunState;
using lblab::Snapshot;
using lblab::ui::ControlsPanel;

namespace {

/// The 13 policies of DESIGN.md, deliberately not in catalog order, to check the grouping.
std::vector<PolicyDescriptor> policies()
{
    return {
        {"cookie-affinity", "Cookie affinity", true, "the balancer's cookie names the backend"},
        {"round-robin", "Round robin", false, "next backend in turn"},
        {"weighted-round-robin", "Weighted round robin", false, "next in turn, by weight"},
        {"random", "Random", false, "a random backend"},
        {"least-connections", "Least connections", false, "fewest in flight"},
        {"power-of-two", "Power of two", false, "better of two random"},
        {"ip-hash", "IP hash", false, "hash of the client address"},
        {"url-hash", "URL hash", false, "hash of the path"},
        {"geo", "Geo", false, "a backend in the region"},
        {"consistent-hash", "Consistent hash", false, "ring of virtual nodes"},
        {"source-ip-affinity", "Source IP affinity", true, "table of client addresses"},
        {"session-affinity", "Session affinity", true, "learns the session cookie"},
        {"url-param-affinity", "URL parameter affinity", true, "pins by the sid parameter"},
    };
}

std::vector<LabConfig> presets()
{
    LabConfig a;
    a.preset = "round-robin-basics";
    a.title = "Round robin basics";
    a.policy = "round-robin";
    a.requestRate = 300;
    a.seed = 7;
    a.clients = {lblab::ClientGroupSpec{}, lblab::ClientGroupSpec{}};
    a.clients[0].count = 60;
    a.clients[1].count = 40;
    LabConfig b = a;
    b.preset = "sticky";
    b.title = "Sticky sessions";
    b.policy = "cookie-affinity";
    b.requestRate = 500;
    return {a, b};
}

class ControlsPanelTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        panel.setPresets(presets());
        panel.setPolicies(policies());
    }
    QApplication& app = lblab::test::qtApp(); // before any widget
    ControlsPanel panel;
};

} // namespace

TEST_F(ControlsPanelTest, ListsAllThirteenPoliciesGroupedStatelessFirst)
{
    QComboBox* combo = panel.policyCombo();
    ASSERT_EQ(combo->count(), 15); // 13 policies + 2 headers
    auto* model = qobject_cast<QStandardItemModel*>(combo->model());
    ASSERT_NE(model, nullptr);
    EXPECT_TRUE(combo->itemText(0).startsWith("Stateless"));
    EXPECT_FALSE(model->item(0)->isEnabled());
    EXPECT_TRUE(combo->itemText(10).startsWith("Stateful"));
    EXPECT_FALSE(model->item(10)->isEnabled());
    for (int row = 1; row <= 9; ++row)
        EXPECT_TRUE(model->item(row)->isEnabled());
    EXPECT_EQ(combo->itemData(1).toString(), "round-robin");
    EXPECT_EQ(combo->itemData(11).toString(), "cookie-affinity");
    EXPECT_EQ(panel.policyIds().size(), 13);
    // Every policy carries its summary, and the first ten their shortcut, in the tooltip.
    EXPECT_TRUE(combo->itemData(1, Qt::ToolTipRole).toString().contains("next backend in turn"));
    EXPECT_TRUE(combo->itemData(1, Qt::ToolTipRole).toString().contains("Ctrl+1"));
}

TEST_F(ControlsPanelTest, ChoosingAPolicyEmitsItAndShowsItsSummary)
{
    QStringList asked;
    QObject::connect(&panel, &ControlsPanel::policyRequested, [&](const QString& id) { asked << id; });
    panel.choosePolicy("ip-hash");
    EXPECT_EQ(asked, QStringList{"ip-hash"});
    EXPECT_EQ(panel.currentPolicy(), "ip-hash");
    EXPECT_TRUE(panel.policySummaryText().contains("hash of the client address"));
    EXPECT_TRUE(panel.policySummaryText().contains("stateless"));
    panel.cyclePolicy(+1);
    EXPECT_EQ(panel.currentPolicy(), "url-hash");
    panel.choosePolicy("url-param-affinity");
    panel.cyclePolicy(+1); // wraps around
    EXPECT_EQ(panel.currentPolicy(), "round-robin");
    panel.cyclePolicy(-1);
    EXPECT_EQ(panel.currentPolicy(), "url-param-affinity");
    panel.choosePolicy("no-such-policy");
    EXPECT_EQ(panel.currentPolicy(), "url-param-affinity");
}

TEST_F(ControlsPanelTest, PresetLoadsItsValuesWithoutEmittingCommands)
{
    int commands = 0;
    QObject::connect(&panel, &ControlsPanel::policyRequested, [&] { ++commands; });
    QObject::connect(&panel, &ControlsPanel::requestRateChanged, [&] { ++commands; });
    QString selected;
    QObject::connect(&panel, &ControlsPanel::presetSelected,
                     [&](const LabConfig& c) { selected = QString::fromStdString(c.preset); });
    EXPECT_EQ(panel.presetCombo()->itemText(1), "Sticky sessions");
    ASSERT_TRUE(panel.selectPreset("sticky"));
    EXPECT_EQ(selected, "sticky");
    EXPECT_EQ(panel.currentPolicy(), "cookie-affinity");
    EXPECT_EQ(panel.rateBox()->value(), 500);
    EXPECT_EQ(panel.clientsBox()->value(), 100);
    EXPECT_EQ(commands, 0);
    EXPECT_FALSE(panel.selectPreset("nope"));
}

TEST_F(ControlsPanelTest, StartAndResetEmitThePresetWithClientCountAndSeed)
{
    std::vector<LabConfig> started;
    QObject::connect(&panel, &ControlsPanel::startRequested, [&](const LabConfig& c) { started.push_back(c); });
    QObject::connect(&panel, &ControlsPanel::resetRequested, [&](const LabConfig& c) { started.push_back(c); });
    panel.clientsBox()->setValue(50);
    panel.seedBox()->setValue(99);
    panel.startButton()->click();
    panel.resetButton()->click();
    ASSERT_EQ(started.size(), 2u);
    for (const LabConfig& c : started) {
        EXPECT_EQ(c.preset, "round-robin-basics");
        EXPECT_EQ(c.seed, 99u);
        ASSERT_EQ(c.clients.size(), 2u);
        EXPECT_EQ(c.clients[0].count + c.clients[1].count, 50);
        EXPECT_EQ(c.clients[0].count, 30);
    }
}

TEST_F(ControlsPanelTest, ScaleClientsKeepsProportionsAndTotals)
{
    LabConfig c = presets()[0];
    ControlsPanel::scaleClients(c, 7);
    EXPECT_EQ(c.clients[0].count + c.clients[1].count, 7);
    ControlsPanel::scaleClients(c, 2000);
    EXPECT_EQ(c.clients[0].count + c.clients[1].count, 2000);
    LabConfig empty;
    ControlsPanel::scaleClients(empty, 10); // no groups: nothing to scale, no crash
    EXPECT_TRUE(empty.clients.empty());
}

TEST_F(ControlsPanelTest, PauseButtonAndSpaceFollowTheRunState)
{
    QStringList log;
    QObject::connect(&panel, &ControlsPanel::startRequested, [&] { log << "start"; });
    QObject::connect(&panel, &ControlsPanel::pauseRequested, [&] { log << "pause"; });
    QObject::connect(&panel, &ControlsPanel::resumeRequested, [&] { log << "resume"; });
    QObject::connect(&panel, &ControlsPanel::stopRequested, [&] { log << "stop"; });
    EXPECT_FALSE(panel.pauseButton()->isEnabled());
    panel.toggleRun();
    Snapshot s;
    s.state = RunState::Running;
    s.balancerUrl = "http://127.0.0.1:40123/";
    s.policy = "geo";
    s.requestRate = 250;
    panel.showSnapshot(s);
    EXPECT_EQ(panel.urlField()->text(), "http://127.0.0.1:40123/");
    EXPECT_EQ(panel.currentPolicy(), "geo");
    EXPECT_EQ(panel.rateBox()->value(), 250);
    EXPECT_TRUE(panel.pauseButton()->isEnabled());
    panel.pauseButton()->click();
    panel.toggleRun();
    s.state = RunState::Paused;
    panel.showSnapshot(s);
    EXPECT_EQ(panel.pauseButton()->text(), "Resume");
    panel.pauseButton()->click();
    panel.toggleRun();
    panel.stopButton()->click();
    EXPECT_EQ(log, (QStringList{"start", "pause", "pause", "resume", "resume", "stop"}));
}

TEST_F(ControlsPanelTest, APendingPolicySwitchIsNotUndoneByAStaleSnapshot)
{
    Snapshot s;
    s.state = RunState::Running;
    s.policy = "round-robin";
    panel.showSnapshot(s);
    panel.choosePolicy("random");
    panel.showSnapshot(s); // the core has not switched yet
    EXPECT_EQ(panel.currentPolicy(), "random");
    s.policy = "random";
    panel.showSnapshot(s);
    s.policy = "geo"; // a timeline switch afterwards is followed
    panel.showSnapshot(s);
    EXPECT_EQ(panel.currentPolicy(), "geo");
}

TEST_F(ControlsPanelTest, RateAndIpChangeEmitLive)
{
    double rate = 0, fraction = 0;
    QObject::connect(&panel, &ControlsPanel::requestRateChanged, [&](double r) { rate = r; });
    QObject::connect(&panel, &ControlsPanel::changeIpsRequested, [&](double f) { fraction = f; });
    panel.rateBox()->setValue(800);
    EXPECT_EQ(rate, 800);
    Snapshot s;
    s.state = RunState::Running;
    panel.showSnapshot(s);
    panel.ipFractionBox()->setValue(50);
    panel.changeIpsButton()->click();
    EXPECT_DOUBLE_EQ(fraction, 0.5);
}

TEST_F(ControlsPanelTest, SaveScreenshot)
{
    QFont f = panel.font();
    f.setPointSize(12);
    panel.setFont(f);
    panel.resize(1600, 90);
    Snapshot s;
    s.state = RunState::Running;
    s.balancerUrl = "http://127.0.0.1:40123/";
    s.policy = "cookie-affinity";
    panel.showSnapshot(s);
    QDir().mkpath(LBLAB_TEST_OUTPUT_DIR);
    EXPECT_TRUE(panel.grab().save(QString(LBLAB_TEST_OUTPUT_DIR) + "/controls_panel.png"));
}
