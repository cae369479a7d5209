// The window fits a 1600x1000 screen (a classroom projector, and the size of the README's pictures):
// no preset, and no state of the controls, may make its minimum size larger than that. On a 1280x800
// or 1366x768 projector every panel is whole: nothing cut, nothing elided that a class must read.

#include "ui/main_window.h"

#include "core/config/preset_catalog.h"
#include "qt_app.h"
#include "ui/controls_panel.h"
#include "ui/dock_sizes.h"
#include "ui/flow_view.h"
#include "ui/font_scale.h"
#include "ui/lab_bridge.h"
#include "ui/load_charts.h"
#include "ui/map_panel.h"
#include "ui/pin_table_model.h"
#include "ui/pin_table_panel.h"
#include "ui/servers_panel.h"
#include "ui/store_card.h"
#include "window_checks.h"

#include <QDockWidget>
#include <QLayout>
#include <QStatusBar>
#include <QTabBar>
#include <QTableView>
#include <qcustomplot.h>

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

// The projectors many classrooms have: every panel whole and readable, as laid out on a first run.

namespace {

class MainWindowSmallScreenTest : public ::testing::TestWithParam<QSize> {
protected:
    void SetUp() override
    {
        lblab::test::qtApp();
        lblab::test::forgetWindowSettings(); // the first run's dock sizes, not an earlier test's layout
    }

    /// Shows `window` at the projector's size and waits until it runs with its layout applied.
    static void showRunning(MainWindow& window)
    {
        window.resize(GetParam());
        window.show();
        ASSERT_TRUE(waitUntil([&] { return window.bridge()->latest() && window.bridge()->latest()->totals.requests > 20; },
                              10000));
        ASSERT_EQ(window.size(), GetParam()) << "the window fits the projector";
    }

    static std::string sizeText() { return std::to_string(GetParam().width()) + "x" + std::to_string(GetParam().height()); }
};

std::string sizeName(const ::testing::TestParamInfo<QSize>& info)
{
    return std::to_string(info.param.width()) + "x" + std::to_string(info.param.height());
}

} // namespace

INSTANTIATE_TEST_SUITE_P(Projectors, MainWindowSmallScreenTest, ::testing::Values(QSize(1280, 800), QSize(1366, 768)),
                         sizeName);

TEST_P(MainWindowSmallScreenTest, ServersTabsChartsAndTableAreWhole)
{
    MainWindow window(preset("mobile-source-ip"));
    showRunning(window);
    EXPECT_TRUE(waitUntil([&] { return lblab::test::wholeServerCards(window, 3) == 3; }, 3000))
        << "the three server cards whole at " << sizeText() << ": " << lblab::test::wholeServerCards(window, 3);

    const QTabBar* tabs = lblab::ui::DockSizes::tabBar(&window);
    ASSERT_NE(tabs, nullptr);
    EXPECT_LE(tabs->sizeHint().width(), tabs->width()) << "every tab's name whole (Explain ... Config), none elided";

    // Each chart's title whole above its axes, and its legend at least as wide as its names.
    for (QCustomPlot* plot : window.charts()->findChildren<QCustomPlot*>()) {
        plot->replot(QCustomPlot::rpImmediateRefresh);
        auto* title = qobject_cast<QCPTextElement*>(plot->plotLayout()->element(0, 0));
        ASSERT_NE(title, nullptr);
        EXPECT_LE(QFontMetrics(title->font()).horizontalAdvance(title->text()), title->outerRect().width())
            << title->text().toStdString() << " is cut";
        if (plot->legend->visible()) {
            EXPECT_GE(plot->legend->outerRect().width(), plot->legend->minimumOuterSizeHint().width())
                << title->text().toStdString() << ": its legend is squeezed";
            EXPECT_LE(plot->legend->outerRect().right(), plot->width()) << title->text().toStdString();
        }
    }

    // The session table: its keys whole ("127.100.0.61", not "127.100...."), and rows to read.
    window.findChild<QDockWidget*>("tableDock")->raise();
    QTableView* table = window.sessionTable()->view();
    ASSERT_TRUE(waitUntil([&] { return table->isVisible() && table->model()->rowCount() > 0; }, 5000));
    const QFontMetrics fm(table->font());
    for (int row = 0; row < std::min(20, table->model()->rowCount()); ++row) {
        const QString key = table->model()->index(row, lblab::ui::PinTableModel::Key).data().toString();
        EXPECT_LE(fm.horizontalAdvance(key), table->columnWidth(lblab::ui::PinTableModel::Key)) << key.toStdString();
    }
    EXPECT_GE(table->viewport()->height() / std::max(1, table->rowHeight(0)), 1) << "a row of the table at least";
    window.close();
}

TEST_P(MainWindowSmallScreenTest, TheFlowViewsCaptionsAndTableRowsAreWhole)
{
    MainWindow window(preset("mobile-source-ip")); // source-IP affinity: the balancer keeps a table
    showRunning(window);
    window.mapPanel()->showFlow();
    lblab::ui::FlowView* flow = window.mapPanel()->flow();
    QFont bold = flow->font();
    bold.setBold(true);
    const QFontMetrics boldFm(bold);
    auto wholeRows = [&] {
        int n = 0;
        for (int i = 0; i < flow->tableRowCount(); ++i)
            n += flow->balancerRect().contains(flow->tableRowRect(i)) ? 1 : 0;
        return n;
    };
    ASSERT_TRUE(waitUntil([&] { return flow->isVisible() && flow->tableRowCount() >= 3; }, 5000))
        << "the balancer's table shows rows at " << sizeText() << ": " << flow->tableRowCount();
    EXPECT_EQ(wholeRows(), flow->tableRowCount()) << "each row inside the balancer";
    const QString clients = flow->clientsCaption();
    EXPECT_TRUE(clients.startsWith(QStringLiteral("Clients (60"))) << clients.toStdString();
    EXPECT_LE(boldFm.horizontalAdvance(clients), flow->clientsArea().width()) << clients.toStdString() << " is cut";
    const QString caption = flow->tableCaption();
    EXPECT_FALSE(caption.isEmpty());
    EXPECT_FALSE(caption.contains(QChar(0x2026))) << caption.toStdString() << " is elided";
    EXPECT_LE(boldFm.horizontalAdvance(caption), flow->balancerRect().width() - 16) << caption.toStdString() << " is cut";

    // Step mode: its banner takes height below the flow view, and the table still shows rows.
    window.bridge()->setStepping(true);
    window.bridge()->step();
    ASSERT_TRUE(waitUntil([&] { return window.bridge()->latest()->stepping && flow->compactBalancer() && wholeRows() >= 2; },
                          5000))
        << "step mode at " << sizeText() << ": " << wholeRows() << " whole table rows";
    EXPECT_EQ(wholeRows(), flow->tableRowCount());
    EXPECT_TRUE(flow->tableCaption().startsWith(QStringLiteral("Balancer"))) << flow->tableCaption().toStdString();
    EXPECT_LE(boldFm.horizontalAdvance(flow->tableCaption()), flow->balancerRect().width());
    window.close();
}
