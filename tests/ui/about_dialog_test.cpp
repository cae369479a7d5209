#include "ui/about_dialog.h"

#include "qt_app.h"

#include <gtest/gtest.h>

namespace lblab::ui {
namespace {

TEST(AboutDialogTest, NamesVersionAndLicence)
{
    test::qtApp();
    AboutDialog dialog;
    const QString text = dialog.text();
    EXPECT_TRUE(text.contains(QStringLiteral(LBLAB_VERSION))) << text.toStdString();
    EXPECT_TRUE(text.contains("MIT"));
    EXPECT_TRUE(text.contains("QCustomPlot"));
    EXPECT_FALSE(QPixmap(QStringLiteral(":/icons/lblab-64.png")).isNull()) << "the icon resource is linked in";
}

} // namespace
} // namespace lblab::ui
