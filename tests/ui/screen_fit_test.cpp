// A secondary window's size on classroom projectors' screens: what it asks for where that fits,
// the room the screen has (less the window's frame) where not, and a window the program placed
// brought back onto the screen.

#include "ui/screen_fit.h"

#include "qt_app.h"

#include <QScreen>
#include <QWidget>

#include <gtest/gtest.h>

using lblab::ui::ScreenFit;

TEST(ScreenFitTest, AFrameThatSticksOutIsMovedBackIn)
{
    const QRect screen(0, 0, 1280, 800);
    EXPECT_EQ(ScreenFit::placed(QRect(100, 100, 600, 400), screen), QRect(100, 100, 600, 400)) << "inside stays";
    EXPECT_EQ(ScreenFit::placed(QRect(700, 60, 640, 770), screen), QRect(640, 30, 640, 770));
    EXPECT_EQ(ScreenFit::placed(QRect(-50, -20, 300, 200), screen), QRect(0, 0, 300, 200));
    // Too large for the room: its title bar (top left) stays on screen.
    EXPECT_EQ(ScreenFit::placed(QRect(200, 200, 1400, 900), screen).topLeft(), QPoint(0, 0));
    // A panel on top: the available area starts below it.
    EXPECT_EQ(ScreenFit::placed(QRect(0, 0, 600, 400), QRect(0, 32, 1366, 736)).topLeft(), QPoint(0, 32));
    EXPECT_EQ(ScreenFit::placed(QRect(5, 5, 10, 10), QRect()), QRect(5, 5, 10, 10)) << "no screen";
}

TEST(ScreenFitTest, AWindowIsBoundedAndAPlacedOneMovedOntoTheScreen)
{
    lblab::test::qtApp();
    QWidget window;
    window.resize(1500, 1000);
    ScreenFit::fit(&window, QRect(0, 0, 1366, 768));
    EXPECT_EQ(window.size(), QSize(1366, 768));
    EXPECT_FALSE(window.testAttribute(Qt::WA_Moved)) << "one the program did not place is left to the window manager";

    QWidget placed;
    placed.resize(640, 740);
    placed.move(615, 100); // over the main window's right column, as the join window is put
    ScreenFit::fit(&placed, QRect(0, 0, 1280, 800));
    EXPECT_EQ(placed.size(), QSize(640, 740));
    EXPECT_EQ(placed.pos(), QPoint(615, 60)) << "its bottom was below the screen";

    QWidget small;
    small.resize(400, 300);
    small.move(50, 50);
    ScreenFit::fit(&small, QRect(0, 0, 1280, 800));
    EXPECT_EQ(small.geometry(), QRect(50, 50, 400, 300)) << "a window that fits is left alone";
}

TEST(ScreenFitTest, TheFrameOfAWindowOnScreenIsLeftRoomFor)
{
    lblab::test::qtApp();
    QWidget window;
    window.resize(400, 300);
    window.show();
    const QRect outer = window.frameGeometry(), inner = window.geometry();
    const QMargins frame(inner.left() - outer.left(), inner.top() - outer.top(), outer.right() - inner.right(),
                         outer.bottom() - inner.bottom());
    EXPECT_EQ(ScreenFit::decoration(&window), frame);
    // A window not shown yet has no frame of its own: it takes the one of a window on screen.
    QWidget other;
    other.resize(3000, 3000);
    EXPECT_EQ(ScreenFit::decoration(&other), frame);
    ScreenFit::fitToScreen(&other);
    EXPECT_EQ(other.size(), other.screen()->availableGeometry().size().shrunkBy(frame));
}
