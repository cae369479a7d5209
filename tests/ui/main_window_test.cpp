#include "ui/main_window.h"

#include "core/config/preset_catalog.h"
#include "qt_app.h"
#include "ui/assignment_map.h"
#include "ui/backend_palette.h"
#include "ui/controls_panel.h"
#include "ui/lab_bridge.h"
#include "ui/server_card.h"
#include "ui/servers_panel.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QDockWidget>
#include <QLineEdit>
#include <QPushButton>
#include <QToolButton>
#include <QRegularExpression>

#include <gtest/gtest.h>

using lblab::LabConfig;
using lblab::RunState;
using lblab::ui::MainWindow;
using lblab::test::waitUntil;

namespace {

LabConfig basics()
{
    const LabConfig* preset = lblab::PresetCatalog::find("round-robin-basics");
    EXPECT_NE(preset, nullptr);
    LabConfig c = preset ? *preset : LabConfig{};
    return c;
}

class MainWindowTest : public ::testing::Test {
protected:
    void SetUp() override { lblab::test::qtApp(); }
};

} // namespace

TEST_F(MainWindowTest, StartsThePresetWhenShownAndFillsThePanels)
{
    MainWindow window(basics());
    window.resize(1600, 1000);
    EXPECT_EQ(window.bridge()->lab(), nullptr) << "nothing runs before show";
    EXPECT_GE(window.font().pointSizeF(), 11.0);
    window.show();
    ASSERT_TRUE(waitUntil([&] { return window.bridge()->latest() && window.bridge()->latest()->totals.requests > 30; },
                          8000));
    ASSERT_TRUE(waitUntil([&] { return window.assignmentMap()->tileCount() == 50; }, 2000));
    int coloured = 0;
    for (int i = 0; i < window.assignmentMap()->tileCount(); ++i)
        coloured += window.assignmentMap()->tileColour(i) != lblab::ui::BackendPalette::colourFor(-1) ? 1 : 0;
    EXPECT_GT(coloured, 10) << "tiles take their backend's colour once served";
    EXPECT_EQ(window.servers()->cardCount(), 3);
    EXPECT_TRUE(window.statusText().contains(" req · ")) << window.statusText().toStdString();
    EXPECT_TRUE(window.statusText().contains("Round robin")) << window.statusText().toStdString();
    EXPECT_FALSE(window.statusText().contains("moved:")) << "nothing has changed server yet";
    EXPECT_FALSE(window.controls()->urlField()->text().isEmpty());
    EXPECT_EQ(MainWindow::lastPresetName(), "round-robin-basics");

    QDir().mkpath(LBLAB_TEST_OUTPUT_DIR);
    EXPECT_TRUE(window.grab().save(QString(LBLAB_TEST_OUTPUT_DIR) + "/main_window.png"));
    window.close();
}

TEST_F(MainWindowTest, CommandLineChangesToAPresetAreWhatRuns)
{
    // lblab --preset round-robin-basics --rate 1234 --policy least-connections --seed 42
    LabConfig asked = basics();
    asked.requestRate = 1234;
    asked.policy = "least-connections";
    asked.seed = 42;
    MainWindow window(asked, false);
    const LabConfig runs = window.controls()->currentConfig();
    EXPECT_EQ(runs.preset, "round-robin-basics");
    EXPECT_DOUBLE_EQ(runs.requestRate, 1234);
    EXPECT_EQ(runs.policy, "least-connections");
    EXPECT_EQ(runs.seed, 42u);
    // The preset stays the preset: the command line's changes show as changes, one click from undone.
    EXPECT_EQ(window.controls()->presetConfig().policy, "round-robin");
    EXPECT_EQ(window.controls()->modifiedText(), "modified: policy, rate, seed");
}

TEST_F(MainWindowTest, PanelCommandsReachTheLab)
{
    MainWindow window(basics());
    window.show();
    ASSERT_TRUE(waitUntil([&] { return window.servers()->card("s2") != nullptr; }, 8000));
    window.servers()->card("s2")->killButton()->click();
    ASSERT_TRUE(waitUntil([&] { return window.bridge()->latest()->servers.at(1).killed; }, 3000));
    ASSERT_TRUE(waitUntil([&] { return window.servers()->card("s2")->stateText() == "KILLED"; }, 3000));
    // Killing a server changes the set: the clients that go elsewhere now are counted in the status bar.
    EXPECT_TRUE(waitUntil([&] { return window.statusText().contains(QRegularExpression("moved: [1-9][0-9]* remapped")); },
                          5000))
        << window.statusText().toStdString();

    window.controls()->choosePolicy("least-connections");
    ASSERT_TRUE(waitUntil([&] { return window.bridge()->latest()->policy == "least-connections"; }, 3000));

    window.controls()->pauseButton()->click();
    ASSERT_TRUE(waitUntil([&] { return window.bridge()->latest()->state == RunState::Paused; }, 3000));
    EXPECT_TRUE(waitUntil([&] { return window.statusText().contains("paused"); }, 2000));
    window.controls()->stopButton()->click();
    EXPECT_EQ(window.bridge()->latest()->state, RunState::Stopped);
    window.close();
}

TEST_F(MainWindowTest, EveryPanelIsInAnAddressableDock)
{
    MainWindow window(basics(), /*autoStart=*/false);
    QStringList names;
    for (QDockWidget* d : window.findChildren<QDockWidget*>())
        names << d->objectName();
    for (const char* name : {"controlsDock", "serversDock", "chartsDock", "explainDock", "storyDock", "tableDock",
                             "logDock", "exportDock"})
        EXPECT_TRUE(names.contains(name)) << name;
    EXPECT_TRUE(window.centralWidget()->isAncestorOf(window.assignmentMap()));
    window.show();
    lblab::test::pumpEvents(200);
    EXPECT_EQ(window.bridge()->lab(), nullptr) << "autoStart=false starts nothing";
    window.close();
}

TEST_F(MainWindowTest, APolicySwitchShowsItsPinsOnTheMap)
{
    const LabConfig* preset = lblab::PresetCatalog::find("login-round-robin");
    ASSERT_NE(preset, nullptr);
    MainWindow window(*preset);
    window.resize(1600, 1000);
    window.show();
    auto* map = window.assignmentMap();
    ASSERT_TRUE(waitUntil([&] { return window.bridge()->latest() && window.bridge()->latest()->totals.requests > 100; },
                          8000));
    auto pins = [&] {
        int n = 0;
        for (int i = 0; i < map->tileCount(); ++i)
            n += map->tileShowsPin(i) ? 1 : 0;
        return n;
    };
    EXPECT_EQ(pins(), 0) << "round robin pins nobody";
    window.controls()->choosePolicy("source-ip-affinity");
    // About a second on an idle machine (the clients must come back); waitUntil allows far more.
    EXPECT_TRUE(waitUntil([&] { return pins() > map->tileCount() / 2; }, 1500))
        << "pins must appear on the map, got " << pins();
    window.close();
}

TEST_F(MainWindowTest, WritesAScreenshotOfEveryPreset)
{
    const QString dir = QString(LBLAB_TEST_OUTPUT_DIR) + "/presets";
    QDir().mkpath(dir);
    for (const LabConfig& preset : lblab::PresetCatalog::all()) {
        MainWindow window(preset);
        window.resize(1600, 1000);
        window.show();
        ASSERT_TRUE(waitUntil([&] { return window.bridge()->latest() && window.bridge()->latest()->totals.requests > 150; },
                              10000))
            << preset.preset;
        const QString file = dir + "/" + QString::fromStdString(preset.preset) + ".png";
        EXPECT_TRUE(window.grab().save(file)) << file.toStdString();
        EXPECT_GT(QFileInfo(file).size(), 10000) << file.toStdString();
        window.close();
    }
}
