// The window fits a 1600x1000 screen (a classroom projector, and the size of the README's pictures):
// no preset, and no state of the controls, may make its minimum size larger than that.

#include "ui/main_window.h"

#include "core/config/preset_catalog.h"
#include "qt_app.h"
#include "ui/controls_panel.h"
#include "ui/font_scale.h"
#include "ui/lab_bridge.h"
#include "ui/servers_panel.h"
#include "ui/store_card.h"

#include <QDockWidget>
#include <QLayout>
#include <QStatusBar>

#include <gtest/gtest.h>

#include <string>

using lblab::LabConfig;
using lblab::ui::MainWindow;
using lblab::test::waitUntil;

namespace {

constexpr int kScreenWidth = 1600;
constexpr int kScreenHeight = 1000;
/// What the window should still fit on a smaller laptop: the controls wrap before this.
constexpr int kNarrowWidth = 1280;

LabConfig preset(const std::string& name)
{
    const LabConfig* p = lblab::PresetCatalog::find(name);
    EXPECT_NE(p, nullptr) << name;
    return p ? *p : LabConfig{};
}

/// The window's minimum size and, for a failure message, each part's minimum.
QSize minimumOf(MainWindow& window, std::string& parts)
{
    window.layout()->activate();
    auto describe = [](const QString& name, QSize s) {
        return name.toStdString() + " " + std::to_string(s.width()) + "x" + std::to_string(s.height()) + "; ";
    };
    parts = describe(QStringLiteral("centre"), window.centralWidget()->minimumSizeHint());
    for (QDockWidget* dock : window.findChildren<QDockWidget*>())
        if (dock->isVisible())
            parts += describe(dock->objectName(), dock->minimumSizeHint());
    parts += describe(QStringLiteral("status bar"), window.statusBar()->minimumSizeHint());
    return window.minimumSizeHint().expandedTo(window.minimumSize());
}

class MainWindowFitTest : public ::testing::Test {
protected:
    void SetUp() override { lblab::test::qtApp(); }
};

} // namespace

TEST_F(MainWindowFitTest, TheDefaultPresetFitsA1600By1000Screen)
{
    MainWindow window(lblab::PresetCatalog::defaultPreset(), false);
    window.resize(kScreenWidth, kScreenHeight);
    window.show();
    std::string parts;
    const QSize minimum = minimumOf(window, parts);
    EXPECT_LE(minimum.width(), kNarrowWidth) << parts;
    EXPECT_LE(minimum.height(), kScreenHeight) << parts;
    EXPECT_LE(window.width(), kScreenWidth) << "the window was pushed wider than the screen";

    // Presentation mode's larger text (F11: 1.3 times) still fits the projector.
    const double points = window.font().pointSizeF();
    window.fontScale()->setScale(1.3);
    ASSERT_TRUE(waitUntil([&] { return window.font().pointSizeF() > 1.2 * points; }, 2000));
    const QSize presenting = minimumOf(window, parts);
    EXPECT_LE(presenting.width(), kScreenWidth) << parts;
    EXPECT_LE(presenting.height(), kScreenHeight) << parts;
    window.fontScale()->setScale(1.0); // the window keeps its text size for the next one
    window.close();
}

TEST_F(MainWindowFitTest, EveryControlShownStillFits)
{
    // A session store (its card above the servers), a user-changed setup (the "modified" mark and
    // "Back to preset" beside the preset picker) and the longest policy summary.
    for (const std::string name : {"session-store-failure", "shared-session-store", "mobile-source-ip"}) {
        SCOPED_TRACE(name);
        MainWindow window(preset(name));
        window.resize(kScreenWidth, kScreenHeight);
        window.show();
        ASSERT_TRUE(waitUntil([&] { return window.bridge()->latest() && window.bridge()->latest()->totals.requests > 0; },
                              8000));
        if (name != "mobile-source-ip") {
            ASSERT_TRUE(waitUntil([&] { return window.servers()->storeCard()->isVisible(); }, 3000))
                << "a shared store shows its card";
        }
        const double points = window.font().pointSizeF();
        window.controls()->showModified({"policy", "rate", "clients", "seed", "engine", "sessions", "servers"});
        window.controls()->choosePolicy(QStringLiteral("consistent-hash"));
        std::string parts;
        const QSize minimum = minimumOf(window, parts);
        EXPECT_LE(minimum.width(), kNarrowWidth) << parts;
        EXPECT_LE(minimum.height(), kScreenHeight) << parts;
        EXPECT_LE(window.width(), kScreenWidth) << "the window was pushed wider than the screen";
        window.fontScale()->setScale(1.3);
        ASSERT_TRUE(waitUntil([&] { return window.font().pointSizeF() > 1.2 * points; }, 2000));
        const QSize presenting = minimumOf(window, parts);
        EXPECT_LE(presenting.width(), kScreenWidth) << parts;
        EXPECT_LE(presenting.height(), kScreenHeight) << parts;
        window.fontScale()->setScale(1.0);
        window.close();
    }
}
