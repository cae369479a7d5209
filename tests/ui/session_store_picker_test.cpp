#include "ui/session_store_picker.h"

#include "core/config/preset_catalog.h"
#include "core/policies/policy_catalog.h"
#include "qt_app.h"
#include "ui/controls_panel.h"
#include "ui/engine_picker.h"
#include "ui/main_window.h"

#include <QComboBox>

#include <gtest/gtest.h>

#include <algorithm>

using lblab::LabConfig;
using lblab::SessionStoreCatalog;
using lblab::SessionStoreKind;
using lblab::TimelineStep;
using lblab::ui::ControlsPanel;
using lblab::ui::MainWindow;
using lblab::ui::SessionStorePicker;

namespace {

QString qs(std::string_view text) { return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size())); }

std::vector<LabConfig> presets()
{
    LabConfig a;
    a.preset = "basics";
    a.title = "Basics";
    a.policy = "round-robin";
    a.clients = {lblab::ClientGroupSpec{}};
    a.clients[0].count = 20;
    LabConfig b = a;
    b.preset = "store-dies";
    b.title = "Store dies";
    b.sessionStore = SessionStoreKind::Shared;
    TimelineStep kill;
    kill.atSeconds = 5;
    kill.action = TimelineStep::Action::KillStore;
    TimelineStep note;
    note.atSeconds = 5;
    note.action = TimelineStep::Action::Note;
    note.text = "dead";
    TimelineStep restore;
    restore.atSeconds = 10;
    restore.action = TimelineStep::Action::RestoreStore;
    b.timeline = {kill, note, restore};
    return {a, b};
}

bool hasStoreSteps(const LabConfig& c)
{
    return std::any_of(c.timeline.begin(), c.timeline.end(), [](const TimelineStep& s) {
        return s.action == TimelineStep::Action::KillStore || s.action == TimelineStep::Action::RestoreStore;
    });
}

class SessionStorePickerTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        panel.setPresets(presets());
        panel.setPolicies(lblab::PolicyCatalog::all());
    }
    QApplication& app = lblab::test::qtApp(); // before any widget
    ControlsPanel panel;
};

} // namespace

TEST_F(SessionStorePickerTest, ListsTheThreeStoresWithTheirLessonsAsTooltips)
{
    SessionStorePicker picker;
    ASSERT_EQ(picker.combo()->count(), 3);
    EXPECT_EQ(picker.combo()->itemText(0), "On each server");
    EXPECT_EQ(picker.combo()->itemText(1), "Shared (Redis)");
    EXPECT_EQ(picker.combo()->itemText(2), "Signed cookie");
    for (int i = 0; i < 3; ++i) {
        const SessionStoreKind kind = SessionStoreCatalog::all()[static_cast<std::size_t>(i)];
        EXPECT_EQ(picker.combo()->itemData(i, Qt::ToolTipRole).toString(), qs(SessionStoreCatalog::description(kind)));
    }
    EXPECT_EQ(picker.store(), SessionStoreKind::Local);
    EXPECT_TRUE(picker.combo()->toolTip().contains("Each server keeps its own logins"))
        << picker.combo()->toolTip().toStdString();

    std::vector<SessionStoreKind> chosen;
    QObject::connect(&picker, &SessionStorePicker::storeChosen, [&](SessionStoreKind k) { chosen.push_back(k); });
    picker.setStore(SessionStoreKind::Client);
    EXPECT_EQ(picker.store(), SessionStoreKind::Client);
    EXPECT_TRUE(chosen.empty()) << "showing a store asks for nothing";
    EXPECT_TRUE(picker.combo()->toolTip().contains("HMAC")) << "the tooltip follows the store shown";
    picker.choose(SessionStoreKind::Shared);
    EXPECT_EQ(chosen, std::vector<SessionStoreKind>{SessionStoreKind::Shared});
}

TEST_F(SessionStorePickerTest, SitsBesideTheEnginePicker)
{
    ASSERT_NE(panel.storePicker(), nullptr);
    panel.resize(1600, 80);
    panel.show();
    QApplication::processEvents();
    const QWidget* engine = panel.enginePicker();
    const QPoint engineAt = engine->mapTo(&panel, QPoint(0, 0));
    const QPoint storeAt = panel.storePicker()->mapTo(&panel, QPoint(0, 0));
    const QPoint policyAt = panel.policyCombo()->mapTo(&panel, QPoint(0, 0));
    EXPECT_GT(storeAt.x(), engineAt.x());
    EXPECT_LT(storeAt.x(), policyAt.x());
    EXPECT_NEAR(storeAt.y(), engineAt.y(), panel.policyCombo()->height()) << "on the engine's row";
}

TEST_F(SessionStorePickerTest, ChangingTheStoreRestartsTheRunWithIt)
{
    std::vector<LabConfig> starts;
    QObject::connect(&panel, &ControlsPanel::startRequested, [&](const LabConfig& c) { starts.push_back(c); });
    panel.storePicker()->choose(SessionStoreKind::Client);
    ASSERT_EQ(starts.size(), 1u) << "choosing a store restarts the run";
    EXPECT_EQ(starts[0].sessionStore, SessionStoreKind::Client);
    EXPECT_EQ(starts[0].preset, "basics");
    EXPECT_EQ(panel.currentConfig().sessionStore, SessionStoreKind::Client) << "a Restart keeps it";
    EXPECT_EQ(panel.presetConfig().sessionStore, SessionStoreKind::Local) << "the preset as shipped is unchanged";

    panel.storePicker()->choose(SessionStoreKind::Shared);
    ASSERT_EQ(starts.size(), 2u);
    EXPECT_EQ(starts[1].sessionStore, SessionStoreKind::Shared);
}

TEST_F(SessionStorePickerTest, PickingAPresetShowsItsStore)
{
    panel.storePicker()->choose(SessionStoreKind::Client);
    ASSERT_TRUE(panel.selectPreset("store-dies"));
    EXPECT_EQ(panel.currentSessionStore(), SessionStoreKind::Shared);
    EXPECT_EQ(panel.storePicker()->combo()->currentText(), "Shared (Redis)");
    EXPECT_EQ(panel.currentConfig().sessionStore, SessionStoreKind::Shared) << "the user's choice went with the old preset";
    EXPECT_TRUE(hasStoreSteps(panel.currentConfig()));
    ASSERT_TRUE(panel.selectPreset("basics"));
    EXPECT_EQ(panel.currentSessionStore(), SessionStoreKind::Local);
}

TEST_F(SessionStorePickerTest, AnotherStoreDropsThePresetsKillStoreStepsButKeepsItsNotes)
{
    ASSERT_TRUE(panel.selectPreset("store-dies"));
    std::vector<LabConfig> starts;
    QObject::connect(&panel, &ControlsPanel::startRequested, [&](const LabConfig& c) { starts.push_back(c); });
    panel.storePicker()->choose(SessionStoreKind::Local);
    ASSERT_EQ(starts.size(), 1u);
    EXPECT_EQ(starts[0].sessionStore, SessionStoreKind::Local);
    EXPECT_FALSE(hasStoreSteps(starts[0])) << "only Redis is a process that can be killed";
    ASSERT_EQ(starts[0].timeline.size(), 1u);
    EXPECT_EQ(starts[0].timeline[0].text, "dead");
    EXPECT_TRUE(hasStoreSteps(panel.presetConfig())) << "Reset runs the preset as shipped";

    // Back to the preset's own store: its timeline is whole again.
    panel.storePicker()->choose(SessionStoreKind::Shared);
    ASSERT_EQ(starts.size(), 2u);
    EXPECT_TRUE(hasStoreSteps(starts[1]));
}

TEST_F(SessionStorePickerTest, TheWindowMarksAnotherStoreAsModified)
{
    const LabConfig* preset = lblab::PresetCatalog::find("session-store-failure");
    ASSERT_NE(preset, nullptr) << "the preset ships with the lab";
    ASSERT_EQ(preset->sessionStore, SessionStoreKind::Shared);
    LabConfig config = *preset;
    config.sessionStore = SessionStoreKind::Client; // as --session-store client would
    MainWindow window(config, /*autoStart=*/false);
    EXPECT_EQ(window.controls()->currentSessionStore(), SessionStoreKind::Client);
    EXPECT_EQ(window.currentSetup().sessionStore, SessionStoreKind::Client);
    EXPECT_FALSE(hasStoreSteps(window.currentSetup()));
    EXPECT_TRUE(window.setupChanges().contains("sessions")) << window.setupChanges().join(",").toStdString();
    EXPECT_TRUE(window.controls()->modifiedText().contains("sessions")) << window.controls()->modifiedText().toStdString();

    // Back to the preset's store: nothing is modified any more.
    window.controls()->storePicker()->setStore(SessionStoreKind::Shared);
    ASSERT_TRUE(window.controls()->selectPreset("session-store-failure"));
    EXPECT_FALSE(window.setupChanges().contains("sessions"));
    EXPECT_TRUE(hasStoreSteps(window.currentSetup()));
}
