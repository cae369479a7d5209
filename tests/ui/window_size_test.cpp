// The window's first size on screens of classroom projectors: 1600x1000 where it fits, never larger
// than the screen.

#include "ui/window_size.h"

#include "core/config/preset_catalog.h"
#include "qt_app.h"
#include "ui/main_window.h"

#include <QScreen>
#include <QSettings>

#include <gtest/gtest.h>

using lblab::ui::WindowSize;

TEST(WindowSizeTest, AFirstRunKeeps1600By1000WhereThereIsRoom)
{
    EXPECT_EQ(WindowSize::firstRun(QSize(1920, 1080)), QSize(1600, 1000));
    EXPECT_EQ(WindowSize::firstRun(QSize(1600, 1000)), QSize(1600, 1000));
    EXPECT_EQ(WindowSize::firstRun(QSize()), QSize(1600, 1000)) << "no screen: the preferred size";
}

TEST(WindowSizeTest, AFirstRunOnASmallScreenGetsItsAvailableArea)
{
    EXPECT_EQ(WindowSize::firstRun(QSize(1280, 800)), QSize(1280, 800));
    EXPECT_EQ(WindowSize::firstRun(QSize(1366, 768)), QSize(1366, 768));
    EXPECT_EQ(WindowSize::firstRun(QSize(1366, 740)), QSize(1366, 740)) << "a taskbar takes 28 px";
    EXPECT_EQ(WindowSize::firstRun(QSize(1920, 900)), QSize(1600, 900)) << "each side bounded on its own";
}

TEST(WindowSizeTest, ASavedSizeComesBackOntoTheScreen)
{
    EXPECT_EQ(WindowSize::fitted(QSize(1687, 1000), QSize(1600, 1000)), QSize(1600, 1000));
    EXPECT_EQ(WindowSize::fitted(QSize(1600, 1000), QSize(1280, 800)), QSize(1280, 800));
    EXPECT_EQ(WindowSize::fitted(QSize(1200, 700), QSize(1280, 800)), QSize(1200, 700)) << "one that fits stays";
    EXPECT_EQ(WindowSize::fitted(QSize(1200, 700), QSize()), QSize(1200, 700));
}

TEST(WindowSizeTest, PresentationTextGrowsOnlyAsFarAsTheScreenHolds)
{
    const QSize minimum(1185, 640); // the window's minimum at normal text
    EXPECT_DOUBLE_EQ(WindowSize::presentationFactor(1.3, minimum, QSize(1600, 1000)), 1.3);
    for (const QSize screen : {QSize(1280, 800), QSize(1366, 768)}) {
        const double factor = WindowSize::presentationFactor(1.3, minimum, screen);
        EXPECT_GT(factor, 1.0) << screen.width() << ": the text still grows";
        EXPECT_LT(factor, 1.3) << screen.width() << ": 1.3 times would push the window past the screen";
        EXPECT_LE(minimum.width() * factor, screen.width());
        EXPECT_LE(minimum.height() * factor, screen.height());
    }
    EXPECT_DOUBLE_EQ(WindowSize::presentationFactor(1.3, QSize(1300, 640), QSize(1280, 800)), 1.3)
        << "a screen narrower than the window at normal text: smaller text would not make it fit";
    EXPECT_DOUBLE_EQ(WindowSize::presentationFactor(1.3, minimum, QSize()), 1.3) << "no screen";
}

TEST(WindowSizeTest, TheWindowsFirstRunIsNoLargerThanItsScreen)
{
    lblab::test::qtApp();
    QSettings().remove("window"); // a first run: no saved geometry or layout
    lblab::ui::MainWindow window(lblab::PresetCatalog::defaultPreset(), false);
    ASSERT_NE(window.screen(), nullptr);
    // The offscreen screen (800x600) is smaller than the window's minimum: the window takes its
    // minimum and no more, where it used to ask for 1600x1000.
    const QSize room = window.screen()->availableGeometry().size();
    const QSize allowed = room.expandedTo(window.minimumSizeHint());
    EXPECT_LE(window.width(), allowed.width()) << "screen " << room.width() << "x" << room.height();
    EXPECT_LE(window.height(), allowed.height()) << "screen " << room.width() << "x" << room.height();
}
