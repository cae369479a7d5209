#include "ui/controls_panel.h"
#include "ui/number_field.h"

#include "qt_app.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>

#include <QTest>

#include <gtest/gtest.h>

using lblab::LabConfig;
using lblab::PolicyDescriptor;
using lblab::RunState;
using lblab::Snapshot;
using lblab::ui::ControlsPanel;

namespace {

/// The 13 policies of README.md, deliberately not in catalog order, to check the grouping.
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
    // Ctrl+0 is the normal text size now: only the first nine policies have a Ctrl+digit.
    EXPECT_FALSE(combo->itemData(12, Qt::ToolTipRole).toString().contains("Ctrl+0"));
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

TEST_F(ControlsPanelTest, StartKeepsTheUsersChangesAndResetStartsThePresetAsShipped)
{
    std::vector<LabConfig> started, reset;
    QObject::connect(&panel, &ControlsPanel::startRequested, [&](const LabConfig& c) { started.push_back(c); });
    QObject::connect(&panel, &ControlsPanel::resetRequested, [&](const LabConfig& c) { reset.push_back(c); });
    panel.clientsBox()->setValue(50);
    panel.seedBox()->setValue(99);
    panel.choosePolicy("ip-hash");
    panel.startButton()->click();
    ASSERT_EQ(started.size(), 1u);
    EXPECT_EQ(started[0].preset, "round-robin-basics");
    EXPECT_EQ(started[0].seed, 99u);
    EXPECT_EQ(started[0].policy, "ip-hash");
    ASSERT_EQ(started[0].clients.size(), 2u);
    EXPECT_EQ(started[0].clients[0].count + started[0].clients[1].count, 50);
    EXPECT_EQ(started[0].clients[0].count, 30);

    panel.resetButton()->click();
    ASSERT_EQ(reset.size(), 1u);
    EXPECT_EQ(reset[0].seed, 7u);
    EXPECT_EQ(reset[0].policy, "round-robin");
    EXPECT_EQ(reset[0].clients[0].count + reset[0].clients[1].count, 100);
    // The controls show the preset again, so the next Start is the preset too.
    EXPECT_EQ(panel.currentPolicy(), "round-robin");
    EXPECT_EQ(panel.clientsBox()->value(), 100);
    EXPECT_EQ(panel.seedBox()->value(), 7);
    EXPECT_EQ(panel.currentConfig().policy, "round-robin");
}

TEST_F(ControlsPanelTest, PickingAPresetLoadsItWholePolicyIncludedAndStartsIt)
{
    // What a teacher hit: round robin switched to cookie affinity, then another preset picked and
    // restarted still ran cookie affinity.
    std::vector<LabConfig> started;
    QObject::connect(&panel, &ControlsPanel::startRequested, [&](const LabConfig& c) { started.push_back(c); });
    LabConfig basics = presets()[0];
    LabConfig sticky = presets()[1];
    sticky.policy = "source-ip-affinity";
    panel.setPresets({basics, sticky});
    panel.choosePolicy("cookie-affinity");
    Snapshot s;
    s.state = RunState::Running;
    s.preset = "round-robin-basics";
    s.policy = "cookie-affinity";
    panel.showSnapshot(s);

    panel.presetCombo()->setCurrentIndex(1);
    emit panel.presetCombo()->activated(1); // as a user's pick does
    ASSERT_EQ(started.size(), 1u);
    EXPECT_EQ(started[0].preset, "sticky");
    EXPECT_EQ(started[0].policy, "source-ip-affinity");
    EXPECT_EQ(panel.currentPolicy(), "source-ip-affinity");
    // The old run's snapshots (another preset) do not pull the picker back before the new one runs.
    panel.showSnapshot(s);
    EXPECT_EQ(panel.currentPolicy(), "source-ip-affinity");
    panel.startButton()->click();
    ASSERT_EQ(started.size(), 2u);
    EXPECT_EQ(started[1].policy, "source-ip-affinity");
}

TEST_F(ControlsPanelTest, ATimelineSwitchIsFollowedButIsNotTheUsersChange)
{
    Snapshot s;
    s.state = RunState::Running;
    s.preset = "round-robin-basics";
    s.policy = "least-connections"; // the preset's timeline switched it
    panel.showSnapshot(s);
    EXPECT_EQ(panel.currentPolicy(), "least-connections");
    EXPECT_EQ(panel.currentConfig().policy, "round-robin") << "a restart replays the timeline from the preset's policy";
    panel.choosePolicy("geo");
    EXPECT_EQ(panel.currentConfig().policy, "geo") << "the user's own choice is kept";
}

TEST_F(ControlsPanelTest, TheModifiedMarkOffersOneClickBackToThePreset)
{
    EXPECT_TRUE(panel.modifiedText().isEmpty());
    panel.showModified({"policy", "clients"});
    EXPECT_EQ(panel.modifiedText(), "modified: policy, clients");
    EXPECT_TRUE(panel.backToPresetButton()->isVisibleTo(&panel));
    std::vector<LabConfig> reset;
    QObject::connect(&panel, &ControlsPanel::resetRequested, [&](const LabConfig& c) { reset.push_back(c); });
    panel.choosePolicy("random");
    panel.backToPresetButton()->click();
    ASSERT_EQ(reset.size(), 1u);
    EXPECT_EQ(reset[0].policy, "round-robin");
    panel.showModified({});
    EXPECT_TRUE(panel.modifiedText().isEmpty());
    EXPECT_FALSE(panel.backToPresetButton()->isVisibleTo(&panel));
}

TEST_F(ControlsPanelTest, ClientsAndSeedAreMarkedUntilARestartAppliesThem)
{
    std::vector<LabConfig> started;
    QObject::connect(&panel, &ControlsPanel::startRequested, [&](const LabConfig& c) { started.push_back(c); });
    panel.startButton()->click();
    Snapshot s;
    s.state = RunState::Running;
    s.preset = "round-robin-basics";
    s.policy = "round-robin";
    panel.showSnapshot(s);
    EXPECT_TRUE(panel.pendingRestart().isEmpty());
    EXPECT_EQ(panel.startButton()->text(), "Restart");

    panel.clientsBox()->setValue(150);
    EXPECT_EQ(panel.pendingRestart(), QStringList{"clients"});
    EXPECT_TRUE(panel.clientsBox()->property("pending").toBool());
    EXPECT_EQ(panel.startButton()->text(), "Restart to apply");
    panel.seedBox()->setValue(8);
    EXPECT_EQ(panel.pendingRestart(), (QStringList{"clients", "seed"}));

    // Enter applies the field, as it does for the rate: here that is a restart.
    emit panel.clientsBox()->returnPressed();
    ASSERT_EQ(started.size(), 2u);
    EXPECT_EQ(started[1].clients[0].count + started[1].clients[1].count, 150);
    EXPECT_EQ(started[1].seed, 8u);
    EXPECT_TRUE(panel.pendingRestart().isEmpty());
    EXPECT_FALSE(panel.clientsBox()->property("pending").toBool());
}

TEST_F(ControlsPanelTest, TakesAsManyUsersAsTheCommandLineDoes)
{
    // lblab --clients 9000 opened a window that silently ran 2,000.
    LabConfig asked = presets()[0];
    asked.clients[0].count = 5400;
    asked.clients[1].count = 3600;
    panel.applyUserValues(asked);
    EXPECT_EQ(panel.clientsBox()->value(), 9000);
    const LabConfig runs = panel.currentConfig();
    EXPECT_EQ(runs.clients[0].count + runs.clients[1].count, 9000);
    EXPECT_GE(panel.clientsBox()->maximum(), 60000);
    EXPECT_GE(panel.seedBox()->maximum(), 2000000000);
}

TEST_F(ControlsPanelTest, ThePolicyListShowsItsGroupHeadingsWhole)
{
    panel.resize(1600, 120);
    panel.show();
    QComboBox* combo = panel.policyCombo();
    combo->showPopup();
    QAbstractItemView* view = combo->view();
    ASSERT_TRUE(lblab::test::waitUntil([&] { return view->isVisible(); }, 2000));
    for (int row = 0; row < combo->count(); ++row) {
        const QVariant fontData = combo->itemData(row, Qt::FontRole);
        const QFont f = fontData.isValid() ? fontData.value<QFont>() : combo->font();
        const int needed = QFontMetrics(f).horizontalAdvance(combo->itemText(row));
        EXPECT_LE(needed, view->viewport()->width() - 8) << combo->itemText(row).toStdString();
    }
    combo->hidePopup();
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

TEST_F(ControlsPanelTest, RateAndShareFieldsSayWhyTheyCorrectATypedNumber)
{
    QStringList messages;
    QObject::connect(&panel, &ControlsPanel::inputCorrected, [&](const QString& m) { messages << m; });
    double rate = 0;
    QObject::connect(&panel, &ControlsPanel::requestRateChanged, [&](double r) { rate = r; });
    panel.show();
    lblab::ui::NumberField* box = panel.rateBox();
    box->setFocus();
    box->editor()->selectAll();
    QTest::keyClicks(box, "25000");
    QTest::keyClick(box, Qt::Key_Return);
    EXPECT_EQ(box->value(), 25000) << "rates above 20,000 are typed whole (the old field dropped a digit)";
    EXPECT_DOUBLE_EQ(rate, 25000);
    box->editor()->selectAll();
    QTest::keyClicks(box, "2000000");
    QTest::keyClick(box, Qt::Key_Return);
    EXPECT_EQ(box->value(), 1000000);
    ASSERT_EQ(messages.size(), 1);
    EXPECT_TRUE(messages[0].contains("Rate")) << messages[0].toStdString();
    lblab::ui::NumberField* share = panel.ipFractionBox();
    share->setFocus();
    share->editor()->selectAll();
    QTest::keyClicks(share, "150");
    QTest::keyClick(share, Qt::Key_Return);
    EXPECT_EQ(share->value(), 100);
    EXPECT_EQ(messages.size(), 2);
}
