// The join window on a classroom projector: it opens within the screen (720x860 is taller than an
// 800 px one), with the warning, the address, a code a phone can scan and the hint all in view.

#include "ui/join_window.h"

#include "core/lab/join_notice.h"
#include "qt_app.h"
#include "scoped_app_font.h"
#include "ui/qr_code_widget.h"
#include "ui/screen_fit.h"

#include <QLabel>
#include <QScreen>

#include <gtest/gtest.h>

#include <string>

using lblab::JoinNotice;
using lblab::ui::JoinWindow;
using lblab::ui::ScreenFit;

namespace {

JoinNotice openNotice()
{
    return JoinNotice::make("0.0.0.0", 44339, {{"wlan0", 0xC0A80117u, false, true}});
}

// Every label and the code wholly inside the window, none over another.
void expectAllInView(const JoinWindow& w, const std::string& where)
{
    QList<const QWidget*> parts{w.qrCode()};
    for (const QLabel* label : w.findChildren<QLabel*>())
        parts << label;
    for (const QWidget* part : parts) {
        ASSERT_TRUE(part->isVisible()) << where;
        EXPECT_TRUE(w.rect().contains(part->geometry())) << where << ": " << part->objectName().toStdString();
        if (const auto* label = qobject_cast<const QLabel*>(part); label && label->wordWrap())
            EXPECT_GE(label->height(), label->heightForWidth(label->width())) << where << ": a wrapped line is cut";
        for (const QWidget* other : parts)
            if (other != part)
                EXPECT_FALSE(part->geometry().intersects(other->geometry())) << where;
    }
    // Whole pixels per module, large enough for a phone's camera across a room.
    EXPECT_GE(w.qrCode()->modulePixels(), 6) << where;
}

} // namespace

TEST(JoinWindowTest, ItsFirstSizeFitsTheScreen)
{
    lblab::test::qtApp();
    JoinWindow w;
    w.showNotice(openNotice());
    w.show();
    const QRect room = w.screen()->availableGeometry();
    EXPECT_TRUE(room.contains(w.frameGeometry()))
        << w.width() << "x" << w.height() << " on " << room.width() << "x" << room.height();
    EXPECT_EQ(w.width(), 720) << "the width it asks for fits";
    lblab::test::pumpEvents(20);
    expectAllInView(w, "offscreen");
}

// At the lab's text size and at presentation mode's, on 1280x800 and 1366x768 screens (less a
// panel and a title bar) and on a 1600x1000 one.
TEST(JoinWindowTest, OnClassroomScreensEverythingStaysInView)
{
    lblab::test::qtApp();
    for (const double points : {12.0, 15.6}) {
        const lblab::test::ScopedAppFont font(points);
        JoinWindow w;
        w.showNotice(openNotice());
        w.show();
        for (const QRect screen : {QRect(0, 0, 1280, 800), QRect(0, 0, 1366, 768), QRect(0, 32, 1366, 700),
                                   QRect(0, 0, 1600, 1000)}) {
            w.resize(720, 860); // as built
            ScreenFit::fit(&w, screen); // what showing it on that screen does
            lblab::test::pumpEvents(20);
            const std::string where = std::to_string(screen.width()) + "x" + std::to_string(screen.height()) + " at " +
                std::to_string(static_cast<int>(points)) + " pt";
            EXPECT_EQ(w.size(), QSize(720, 860).boundedTo(screen.size().shrunkBy(ScreenFit::decoration(&w)))) << where;
            expectAllInView(w, where);
        }
    }
}

TEST(JoinWindowTest, PlacedBelowTheScreensEdgeItIsMovedBackOn)
{
    lblab::test::qtApp();
    JoinWindow w;
    w.showNotice(openNotice());
    // Where the lab puts it the first time: over the main window's right column, 60 px down.
    w.resize(640, 780);
    w.move(615, 60);
    w.show();
    const QRect room = w.screen()->availableGeometry();
    EXPECT_TRUE(room.contains(w.frameGeometry())) << w.y() << " + " << w.height();
    const int outer = w.frameGeometry().width();
    EXPECT_EQ(w.x(), 615 - std::max(0, 615 + outer - room.right() - 1)) << "moved only as far as needed";
}
