#include "ui/export_panel.h"

#include "panels_qt_app.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QStringList>

#include <gtest/gtest.h>

using lblab::ui::ExportPanel;

namespace {

class ExportPanelTest : public ::testing::Test {
protected:
    void SetUp() override { lblab::test::panelsQtApp(); }
};

} // namespace

TEST_F(ExportPanelTest, ShowsUrlAndCurlCommands)
{
    ExportPanel panel;
    EXPECT_TRUE(panel.urlText().isEmpty());
    EXPECT_TRUE(panel.curlCommand().isEmpty());
    lblab::Snapshot snap;
    snap.balancerUrl = "http://127.0.0.1:40123/";
    panel.showSnapshot(snap);
    EXPECT_EQ(panel.urlText(), QStringLiteral("http://127.0.0.1:40123/"));
    EXPECT_EQ(panel.curlCommand(), QStringLiteral("curl -i http://127.0.0.1:40123/search?loc=eu"));
    EXPECT_EQ(panel.curlCookieCommand(), QStringLiteral("curl -i -c jar -b jar http://127.0.0.1:40123/account"));
    // Without the trailing slash the commands are still well formed.
    snap.balancerUrl = "http://127.0.0.1:5000";
    panel.showSnapshot(snap);
    EXPECT_EQ(panel.curlCommand(), QStringLiteral("curl -i http://127.0.0.1:5000/search?loc=eu"));
}

TEST_F(ExportPanelTest, CopiesTheUrl)
{
    ExportPanel panel;
    lblab::Snapshot snap;
    snap.balancerUrl = "http://127.0.0.1:40123/";
    panel.showSnapshot(snap);
    QGuiApplication::clipboard()->setText(QStringLiteral("before"));
    panel.copyUrl();
    EXPECT_EQ(QGuiApplication::clipboard()->text(), QStringLiteral("http://127.0.0.1:40123/"));
}

TEST_F(ExportPanelTest, EmitsExportSignals)
{
    ExportPanel panel;
    QStringList run, charts; // no QtTest here: record the signals by hand
    QObject::connect(&panel, &ExportPanel::exportRunRequested, [&run](const QString& d) { run << d; });
    QObject::connect(&panel, &ExportPanel::exportChartsRequested, [&charts](const QString& f) { charts << f; });
    panel.requestRunExport(QStringLiteral("/tmp/run1"));
    ASSERT_EQ(run.count(), 1);
    EXPECT_EQ(run.at(0), QStringLiteral("/tmp/run1"));
    EXPECT_TRUE(panel.statusText().contains(QStringLiteral("/tmp/run1")));
    panel.requestRunExport(QString()); // a cancelled dialog
    EXPECT_EQ(run.count(), 1);

    panel.requestChartsExport(QStringLiteral("/tmp/charts.pdf"));
    panel.requestChartsExport(QStringLiteral("/tmp/charts"));
    ASSERT_EQ(charts.count(), 2);
    EXPECT_EQ(charts.at(0), QStringLiteral("/tmp/charts.pdf"));
    EXPECT_EQ(charts.at(1), QStringLiteral("/tmp/charts.png"));
}

TEST_F(ExportPanelTest, ShowsErrorsInRedNamingThePath)
{
    ExportPanel panel;
    panel.requestRunExport(QStringLiteral("/readonly/run"));
    panel.showExportResult(false, QStringLiteral("Could not write events.csv: permission denied"));
    EXPECT_TRUE(panel.statusIsError());
    EXPECT_TRUE(panel.statusText().contains(QStringLiteral("permission denied")));
    EXPECT_TRUE(panel.statusText().contains(QStringLiteral("/readonly/run")));

    panel.showExportResult(true, QStringLiteral("Wrote 3 files to /tmp/run2"));
    EXPECT_FALSE(panel.statusIsError());
    EXPECT_EQ(panel.statusText(), QStringLiteral("Wrote 3 files to /tmp/run2"));
}

TEST_F(ExportPanelTest, RendersReadably)
{
    ExportPanel panel;
    lblab::Snapshot snap;
    snap.balancerUrl = "http://127.0.0.1:40123/";
    panel.showSnapshot(snap);
    panel.requestRunExport(QStringLiteral("/home/student/lab-runs/readonly"));
    panel.showExportResult(false, QStringLiteral("Could not create events.csv: Permission denied"));
    EXPECT_FALSE(lblab::test::savePanelGrab(panel, QStringLiteral("export"), QSize(700, 420)).isEmpty());
}
