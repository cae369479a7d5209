#include "ui/pace_controls.h"

#include "qt_app.h"

#include <QComboBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

using lblab::RunState;
using lblab::Snapshot;
using lblab::ui::PaceControls;

namespace {

TEST(PaceControls, OffersFourSpeedsAndFollowsTheRun)
{
    lblab::test::qtApp();
    PaceControls pace;
    QSignalSpy speeds(&pace, &PaceControls::speedChosen);
    ASSERT_EQ(pace.speedCombo()->count(), 4);
    EXPECT_EQ(pace.speed(), 1.0);
    pace.chooseSpeed(0.25);
    ASSERT_EQ(speeds.count(), 1);
    EXPECT_EQ(speeds.takeFirst().at(0).toDouble(), 0.25);
    EXPECT_EQ(pace.speedCombo()->currentText(), QStringLiteral("1/4"));

    Snapshot s;
    s.state = RunState::Running;
    s.speed = 0.1;
    pace.showSnapshot(s);
    EXPECT_EQ(pace.speedCombo()->currentText(), QStringLiteral("1/10")) << "the speed in force";
    EXPECT_EQ(speeds.count(), 0) << "following the run asks for nothing";
    EXPECT_TRUE(pace.stepButton()->isEnabled());
    EXPECT_FALSE(pace.runButton()->isEnabled()) << "Run is for leaving step mode";
    s.stepping = true;
    pace.showSnapshot(s);
    EXPECT_TRUE(pace.runButton()->isEnabled());
    s.state = RunState::Stopped;
    pace.showSnapshot(s);
    EXPECT_FALSE(pace.stepButton()->isEnabled());
}

TEST(PaceControls, NStepsAndRRunsFromTheKeyboard)
{
    lblab::test::qtApp();
    QWidget window;
    auto* pace = new PaceControls(&window);
    window.show();
    window.activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(&window));
    QSignalSpy steps(pace, &PaceControls::stepRequested);
    QSignalSpy runs(pace, &PaceControls::runRequested);
    Snapshot s;
    s.state = RunState::Running;
    pace->showSnapshot(s);
    QTest::keyClick(&window, Qt::Key_N);
    EXPECT_EQ(steps.count(), 1);
    QTest::keyClick(&window, Qt::Key_R);
    EXPECT_EQ(runs.count(), 0) << "R does nothing while requests flow";
    s.stepping = true;
    pace->showSnapshot(s);
    QTest::keyClick(&window, Qt::Key_R);
    EXPECT_EQ(runs.count(), 1);
    pace->stepButton()->click();
    EXPECT_EQ(steps.count(), 2);
}

} // namespace
