#include "ui/main_window.h"

#include "core/config/preset_catalog.h"
#include "core/config/scenario_file.h"
#include "qt_app.h"
#include "ui/compare_window.h"
#include "ui/controls_panel.h"
#include "ui/lab_bridge.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QEvent>
#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using lblab::LabConfig;
using lblab::ScenarioFile;
using lblab::TimelineStep;
using lblab::ui::MainWindow;
using lblab::test::waitUntil;

namespace {

LabConfig preset(const char* name)
{
    const LabConfig* p = lblab::PresetCatalog::find(name);
    EXPECT_NE(p, nullptr);
    return p ? *p : LabConfig{};
}

/// A scenario of our own, unlike any built-in preset.
LabConfig classroom()
{
    LabConfig c = preset("login-round-robin");
    c.preset = "my-classroom";
    c.title = "My classroom scenario";
    c.whatItShows = "Logged-in users under IP hash.";
    c.policy = "ip-hash";
    c.policyOptions.seed = 7;
    c.seed = 7;
    c.requestRate = 120;
    c.clients.at(0).count = 24;
    c.timeline.push_back({30, TimelineStep::Action::ChangeIps, {}, 0.5, {}});
    return c;
}

std::string path(const QTemporaryDir& dir, const char* name) { return dir.filePath(name).toStdString(); }

class MainWindowScenarioTest : public ::testing::Test {
protected:
    void SetUp() override { lblab::test::qtApp(); }
};

} // namespace

TEST_F(MainWindowScenarioTest, OpensAScenarioFileAndRunsIt)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    ScenarioFile::save(classroom(), path(dir, "classroom.json"));

    MainWindow window(preset("round-robin-basics"));
    window.show();
    ASSERT_TRUE(waitUntil([&] { return window.bridge()->isActive(); }, 8000));

    QString error;
    ASSERT_TRUE(window.openScenarioFile(dir.filePath("classroom.json"), &error)) << error.toStdString();
    EXPECT_TRUE(error.isEmpty());
    ASSERT_TRUE(waitUntil(
        [&] {
            const auto s = window.bridge()->latest();
            return s && s->preset == "my-classroom" && s->totals.requests > 10;
        },
        8000));
    EXPECT_EQ(window.bridge()->latest()->policy, "ip-hash");
    EXPECT_EQ(window.bridge()->latest()->clients.size(), 24u);
    EXPECT_EQ(window.controls()->presetCombo()->currentData().toString(), "my-classroom");
    EXPECT_EQ(window.controls()->presetCombo()->currentText(), "My classroom scenario");
    EXPECT_EQ(window.controls()->currentPolicy(), "ip-hash");
    const int entries = window.controls()->presetCombo()->count();

    // Opening it again replaces its entry rather than adding a second one.
    ASSERT_TRUE(window.openScenarioFile(dir.filePath("classroom.json")));
    EXPECT_EQ(window.controls()->presetCombo()->count(), entries);
    window.close();
}

TEST_F(MainWindowScenarioTest, ABrokenFileIsReportedAndTheRunGoesOn)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    {
        QFile broken(dir.filePath("broken.json"));
        ASSERT_TRUE(broken.open(QIODevice::WriteOnly));
        broken.write("{\n  \"name\": \"broken\",\n  \"servers\": [ {\"name\": \"s1\", \"weight\": -2} ]\n}\n");
    }
    {
        QFile syntax(dir.filePath("syntax.json"));
        ASSERT_TRUE(syntax.open(QIODevice::WriteOnly));
        syntax.write("{ \"name\": \"x\", \n  \"servers\": [ \n");
    }

    MainWindow window(preset("round-robin-basics"));
    window.show();
    ASSERT_TRUE(waitUntil([&] { return window.bridge()->latest() && window.bridge()->latest()->totals.requests > 5; },
                          8000));
    const lblab::Lab* running = window.bridge()->lab();
    const int entries = window.controls()->presetCombo()->count();

    for (const char* name : {"broken.json", "syntax.json", "missing.json"}) {
        QString error;
        EXPECT_FALSE(window.openScenarioFile(dir.filePath(name), &error)) << name;
        EXPECT_TRUE(error.contains(name)) << "the message names the file: " << error.toStdString();
        EXPECT_EQ(window.lastError(), error);
    }
    QString error;
    window.openScenarioFile(dir.filePath("syntax.json"), &error);
    EXPECT_TRUE(error.contains("line")) << error.toStdString();

    EXPECT_EQ(window.bridge()->lab(), running) << "the current run goes on";
    EXPECT_TRUE(window.bridge()->isActive());
    EXPECT_EQ(window.bridge()->config().preset, "round-robin-basics");
    EXPECT_EQ(window.controls()->presetCombo()->count(), entries) << "nothing half-loaded";
    EXPECT_EQ(window.controls()->presetCombo()->currentData().toString(), "round-robin-basics");
    window.close();
}

TEST_F(MainWindowScenarioTest, SaveThenReopenGivesTheSameConfig)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    ScenarioFile::save(classroom(), path(dir, "classroom.json"));

    MainWindow window(preset("round-robin-basics"), false);
    window.show();
    ASSERT_TRUE(window.openScenarioFile(dir.filePath("classroom.json")));
    ASSERT_TRUE(waitUntil([&] { return window.bridge()->isActive(); }, 8000));

    QString error;
    ASSERT_TRUE(window.saveScenarioFile(dir.filePath("again.json"), &error)) << error.toStdString();
    EXPECT_EQ(ScenarioFile::toJson(ScenarioFile::load(path(dir, "again.json"))),
              ScenarioFile::toJson(ScenarioFile::load(path(dir, "classroom.json"))));

    // A policy the user switches to live is what the saved setup starts with.
    window.controls()->choosePolicy("least-connections");
    ASSERT_TRUE(window.saveScenarioFile(dir.filePath("switched.json")));
    const LabConfig switched = ScenarioFile::load(path(dir, "switched.json"));
    EXPECT_EQ(switched.policy, "least-connections");
    EXPECT_EQ(switched.preset, "my-classroom");
    EXPECT_EQ(switched.timeline.size(), classroom().timeline.size());

    EXPECT_FALSE(window.saveScenarioFile(dir.filePath("no/such/folder/x.json"), &error));
    EXPECT_TRUE(error.contains("x.json")) << error.toStdString();
    window.close();
}

TEST_F(MainWindowScenarioTest, ComparePoliciesOpensASideBySideWindowForTheCurrentSetup)
{
    LabConfig c = preset("login-round-robin");
    c.clients.at(0).count = 20;
    MainWindow window(c, false);
    window.show();
    auto* compare = window.openCompareWindow("cookie-affinity");
    ASSERT_NE(compare, nullptr);
    EXPECT_EQ(window.compareWindow(), compare);
    EXPECT_EQ(compare->policyA(), "round-robin");
    EXPECT_EQ(compare->policyB(), "cookie-affinity");
    EXPECT_EQ(compare->configFor(0).preset, "login-round-robin");
    ASSERT_TRUE(waitUntil([&] { return compare->bridgeB()->isActive(); }, 8000)) << compare->lastError().toStdString();
    window.close();
    EXPECT_FALSE(compare->bridgeA()->isActive()) << "closing the main window stops the comparison";
    EXPECT_FALSE(compare->bridgeB()->isActive());
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    EXPECT_EQ(window.compareWindow(), nullptr) << "and the comparison window goes away";
}
