#include "ui/map_panel.h"

#include "qt_app.h"
#include "ui/assignment_map.h"
#include "ui/flow_view.h"
#include "ui/step_banner.h"

#include <QTest>
#include <QToolButton>

#include <gtest/gtest.h>

using lblab::Snapshot;
using lblab::ui::AssignmentMap;
using lblab::ui::MapPanel;

namespace {

TEST(MapPanel, SwitchesBetweenMapAndFlowByButtonAndKey)
{
    lblab::test::qtApp();
    MapPanel panel(new AssignmentMap);
    panel.resize(1000, 700);
    panel.show();
    panel.activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(&panel));
    EXPECT_FALSE(panel.showsFlow());
    EXPECT_TRUE(panel.map()->isVisible());
    panel.flowButton()->click();
    EXPECT_TRUE(panel.showsFlow());
    EXPECT_TRUE(panel.flow()->isVisible());
    EXPECT_FALSE(panel.map()->isVisible());
    QTest::keyClick(&panel, Qt::Key_F);
    EXPECT_FALSE(panel.showsFlow());
    EXPECT_TRUE(panel.mapButton()->isChecked());
    QTest::keyClick(&panel, Qt::Key_F);
    EXPECT_TRUE(panel.showsFlow());
}

TEST(MapPanel, EverySnapshotReachesBothViewsAndTheStepCaption)
{
    lblab::test::qtApp();
    MapPanel panel(new AssignmentMap);
    panel.resize(1000, 700);
    panel.show();
    auto s = std::make_shared<Snapshot>();
    s->state = lblab::RunState::Running;
    s->stepping = true;
    lblab::ClientView c;
    c.id = "c0";
    s->clients.push_back(c);
    panel.showSnapshot(s);
    EXPECT_EQ(panel.map()->tileCount(), 1);
    EXPECT_EQ(panel.flow()->clientRowCount(), 1);
    EXPECT_TRUE(panel.stepBanner()->isVisible()) << "step mode shows its caption under either view";
    auto flowing = std::make_shared<Snapshot>(*s);
    flowing->stepping = false;
    panel.showSnapshot(flowing);
    EXPECT_FALSE(panel.stepBanner()->isVisible());
}

} // namespace
