#include "ui/status_line.h"

#include "qt_app.h"

#include <QLabel>

#include <gtest/gtest.h>

using lblab::RunState;
using lblab::Snapshot;
using lblab::ui::StatusLine;

namespace {

Snapshot running()
{
    Snapshot s;
    s.state = RunState::Running;
    s.tUs = 77'000'000;
    s.policy = "cookie-affinity";
    s.policyStateful = true;
    s.totals.requests = 12345;
    s.totals.sessionRequests = 1000;
    s.totals.sessionMisses = 100;
    return s;
}

} // namespace

TEST(StatusLineTest, AnErrorNeverRunsIntoTheRunsFigures)
{
    lblab::test::qtApp();
    StatusLine line;
    line.resize(1600, 30);
    line.show();
    line.showSnapshot(running());
    const QString error = QStringLiteral("Error: a fleet of 10000 users needs about 20512 open files, but the limit "
                                         "is 20000 (raise it with ulimit -n, or use fewer clients)");
    line.showMessage(error, 0, true);
    ASSERT_TRUE(lblab::test::waitUntil([&] { return line.messageWidget()->isVisible(); }, 1000));
    const QRect message = line.messageWidget()->geometry();
    const QRect run = line.runLabel()->geometry();
    EXPECT_LE(message.right(), run.left()) << "the message ends before 'running 77.0 s' starts";
    EXPECT_EQ(line.message(), error) << "the full text is kept (and shown as the tooltip)";
    EXPECT_TRUE(line.runLabel()->text().contains("77.0 s"));
}

TEST(StatusLineTest, TheMissRateSinceTheLastChangeStandsBesideTheWholeRuns)
{
    lblab::test::qtApp();
    StatusLine line;
    Snapshot s = running();
    line.showSnapshot(s);
    EXPECT_TRUE(line.sessionsText().contains("10.0 %")) << line.sessionsText().toStdString();
    s.sinceChange.tUs = 70'000'000;
    s.sinceChange.what = "s2 killed";
    s.sinceChange.sessionRequests = 200;
    s.sinceChange.sessionMisses = 50;
    line.showSnapshot(s);
    const QString text = line.sessionsText();
    EXPECT_TRUE(text.contains("25.0 %")) << text.toStdString();
    EXPECT_TRUE(text.contains("s2 killed")) << text.toStdString();
    EXPECT_TRUE(text.contains("10.0 %")) << text.toStdString();
    EXPECT_LT(text.indexOf("25.0 %"), text.indexOf("10.0 %")) << "the recent figure first";
}
