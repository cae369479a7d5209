// The join window's QR code: libqrencode's matrix, painted module by module with a quiet zone.

#include "ui/qr_code_widget.h"

#include "qt_app.h"

#include <QImage>

#include <gtest/gtest.h>
#include <qrencode.h>

#include <memory>

using lblab::ui::QrCodeWidget;

namespace {

constexpr const char* kJoinUrl = "http://192.168.1.23:8080/";

class QrCodeWidgetTest : public ::testing::Test {
protected:
    void SetUp() override { lblab::test::qtApp(); }
};

TEST_F(QrCodeWidgetTest, EncodesTheUrlAsLibqrencodeDoes)
{
    QrCodeWidget w;
    ASSERT_TRUE(w.setText(QString::fromLatin1(kJoinUrl)));
    const std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString(kJoinUrl, 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
    ASSERT_TRUE(code);
    EXPECT_EQ(w.version(), code->version);
    EXPECT_EQ(w.version(), 2) << "25 bytes at level M fit version 2";
    EXPECT_EQ(w.moduleCount(), 17 + 4 * w.version());
    EXPECT_EQ(w.moduleCount(), code->width);
    int dark = 0;
    for (int y = 0; y < code->width; ++y)
        for (int x = 0; x < code->width; ++x) {
            EXPECT_EQ(w.isDark(x, y), (code->data[y * code->width + x] & 1) != 0) << x << "," << y;
            dark += w.isDark(x, y) ? 1 : 0;
        }
    EXPECT_GT(dark, 0);
    // The finder pattern's corner is dark, the separator beside it light.
    EXPECT_TRUE(w.isDark(0, 0));
    EXPECT_FALSE(w.isDark(7, 0));
}

TEST_F(QrCodeWidgetTest, PaintsDarkModulesWhereTheMatrixSaysWithAQuietZone)
{
    QrCodeWidget w;
    ASSERT_TRUE(w.setText(QString::fromLatin1(kJoinUrl)));
    w.resize(400, 330);
    const int px = w.modulePixels();
    EXPECT_EQ(px, 330 / (w.moduleCount() + 2 * QrCodeWidget::kQuietModules)) << "whole pixels per module";
    ASSERT_GE(px, 3);
    const QImage image = w.grab().toImage();
    ASSERT_EQ(image.size(), QSize(400, 330));
    auto isBlack = [&](QPoint p) { return qGray(image.pixel(p)) < 64; };
    auto isWhite = [&](QPoint p) { return qGray(image.pixel(p)) > 192; };
    for (int y = 0; y < w.moduleCount(); ++y)
        for (int x = 0; x < w.moduleCount(); ++x) {
            const QRect r = w.moduleRect(x, y);
            // Every pixel of the module, corners included: no blur between modules.
            for (QPoint p : {r.topLeft(), r.bottomRight(), r.center()})
                ASSERT_EQ(isBlack(p), w.isDark(x, y)) << "module " << x << "," << y << " pixel " << p.x() << "," << p.y();
        }
    const QRect first = w.moduleRect(0, 0);
    for (int i = 1; i <= QrCodeWidget::kQuietModules * px; ++i) {
        EXPECT_TRUE(isWhite(first.topLeft() - QPoint(i, 0))) << "quiet zone left, " << i << " px out";
        EXPECT_TRUE(isWhite(first.topLeft() - QPoint(0, i))) << "quiet zone above, " << i << " px out";
    }
    const QRect last = w.moduleRect(w.moduleCount() - 1, w.moduleCount() - 1);
    EXPECT_TRUE(isWhite(last.bottomRight() + QPoint(QrCodeWidget::kQuietModules * px, QrCodeWidget::kQuietModules * px)));
    // Centred.
    EXPECT_EQ(first.left() - 4 * px, 400 - (last.right() + 1 + 4 * px));
}

TEST_F(QrCodeWidgetTest, LargerWidgetLargerModulesAndAnEmptyTextPaintsNothing)
{
    QrCodeWidget w;
    ASSERT_TRUE(w.setText(QString::fromLatin1(kJoinUrl)));
    w.resize(200, 200);
    const int small = w.modulePixels();
    w.resize(600, 600);
    EXPECT_GT(w.modulePixels(), small);
    EXPECT_GE(w.sizeHint().width(), (w.moduleCount() + 8) * 8);
    ASSERT_TRUE(w.setText(QString()));
    EXPECT_EQ(w.moduleCount(), 0);
    EXPECT_EQ(w.version(), 0);
    EXPECT_EQ(w.modulePixels(), 0);
}

} // namespace
