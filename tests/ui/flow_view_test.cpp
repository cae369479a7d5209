#include "ui/flow_view.h"

#include "qt_app.h"
#include "ui/backend_palette.h"

#include <QImage>

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

using lblab::DecisionKind;
using lblab::RequestEvent;
using lblab::SessionOutcome;
using lblab::Snapshot;
using lblab::ui::BackendPalette;
using lblab::ui::FlowView;

namespace {

Snapshot flowSnapshot(int clients, int servers)
{
    Snapshot s;
    s.tUs = 5'000'000;
    s.state = lblab::RunState::Running;
    s.policy = "source-ip-affinity";
    s.policyStateful = true;
    for (int b = 0; b < servers; ++b) {
        lblab::BackendView v;
        v.name = "s" + std::to_string(b + 1);
        s.servers.push_back(v);
    }
    for (int i = 0; i < clients; ++i) {
        lblab::ClientView c;
        c.id = "c" + std::to_string(i);
        c.ip = lblab::loopbackAddress(3, static_cast<std::uint32_t>(i));
        s.clients.push_back(c);
    }
    return s;
}

RequestEvent request(int client, int backend, std::int64_t tUs)
{
    RequestEvent e;
    e.tUs = tUs;
    e.clientId = "c" + std::to_string(client);
    e.clientIp = lblab::loopbackAddress(3, static_cast<std::uint32_t>(client));
    e.sessionKey = "127.3.0." + std::to_string(client);
    e.backend = backend;
    e.decision = DecisionKind::Pinned;
    e.status = 200;
    e.session = SessionOutcome::Hit;
    return e;
}

/// Pixels of exactly `colour` inside `area`.
int countColour(const QImage& image, const QRect& area, const QColor& colour)
{
    int n = 0;
    const QRect r = area.intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x)
            n += image.pixelColor(x, y).rgb() == colour.rgb() ? 1 : 0;
    return n;
}

struct FlowFixture {
    FlowFixture()
    {
        view.setClock([this] { return nowMs; });
        view.resize(1400, 800);
        view.show();
    }
    void feed(const Snapshot& s) { view.showSnapshot(std::make_shared<const Snapshot>(s)); }
    QImage at(double tripShare)
    {
        nowMs = static_cast<qint64>(view.tripMs() * tripShare);
        return view.grab().toImage();
    }
    QApplication& app = lblab::test::qtApp(); // before any widget
    qint64 nowMs = 0;
    FlowView view;
};

TEST(FlowView, DrawsARequestAlongItsPathInItsServersColour)
{
    FlowFixture f;
    Snapshot s = flowSnapshot(6, 3);
    s.recentRequests = {request(2, 1, 4'990'000)};
    s.recentRequestsEnd = 1;
    lblab::SessionRow pin;
    pin.key = "127.3.0.2";
    pin.backend = 1;
    s.table = {pin};
    s.tableSize = 1;
    f.feed(s);
    ASSERT_EQ(f.view.inAir(), 1);
    EXPECT_EQ(f.view.sampleEvery(), 1);
    EXPECT_TRUE(f.view.samplingText().startsWith(QStringLiteral("every request shown")));

    const QColor colour = BackendPalette::colourFor(1);
    const QColor other = BackendPalette::colourFor(0);
    const QRect row = f.view.clientRowRect(f.view.rowOfClient(QStringLiteral("c2")));
    const QRect balancer = f.view.balancerRect();
    const QRect server = f.view.serverRect(1);
    ASSERT_FALSE(row.isEmpty());
    ASSERT_FALSE(server.isEmpty());
    // Between the client and the balancer while it goes there.
    const QRect leftGap(row.right() + 2, balancer.top(), balancer.left() - row.right() - 4, balancer.height());
    QImage image = f.at(0.12);
    EXPECT_GT(countColour(image, leftGap, colour), 20) << "the dot on its way to the balancer";
    EXPECT_EQ(countColour(image, leftGap, other), 0) << "no other server's colour on this path";
    // Between the balancer and its server a little later.
    const QRect rightGap(balancer.right() + 2, balancer.top(), server.left() - balancer.right() - 4, balancer.height());
    image = f.at(0.37);
    EXPECT_GT(countColour(image, rightGap, colour), 20) << "the dot on its way to s2";
    EXPECT_EQ(countColour(image, leftGap, colour), 0) << "the dot has left the first leg";

    // Trips end, and the list empties.
    f.nowMs = f.view.tripMs() + 10;
    EXPECT_TRUE(lblab::test::waitUntil([&] { return f.view.inAir() == 0; }, 500));
}

TEST(FlowView, TakesEachRequestOnceAcrossSnapshots)
{
    FlowFixture f;
    Snapshot s = flowSnapshot(4, 2);
    s.recentRequests = {request(0, 0, 1000), request(1, 1, 2000)};
    s.recentRequestsEnd = 2;
    f.feed(s);
    EXPECT_EQ(f.view.inAir(), 2);
    s.recentRequests.push_back(request(2, 0, 3000));
    s.recentRequestsEnd = 3;
    s.tUs += 33'000;
    f.feed(s); // the first two are still in the list: only the new one is added
    EXPECT_EQ(f.view.inAir(), 3);
}

TEST(FlowView, SamplesAndSaysSoAboveItsRate)
{
    FlowFixture f;
    Snapshot s = flowSnapshot(60, 3);
    std::uint64_t end = 0;
    // 3,000 requests a second: 100 per 33 ms frame.
    for (int frame = 0; frame < 40; ++frame) {
        s.recentRequests.clear();
        for (int i = 0; i < 100; ++i)
            s.recentRequests.push_back(request(i % 60, i % 3, s.tUs + i * 330));
        end += 100;
        s.recentRequestsEnd = end;
        s.tUs += 33'000;
        f.nowMs += 33;
        f.feed(s);
    }
    EXPECT_NEAR(f.view.requestRate(), 3000, 300);
    EXPECT_GT(f.view.sampleEvery(), 1);
    EXPECT_TRUE(f.view.samplingText().startsWith(QStringLiteral("showing 1 in %1 requests").arg(f.view.sampleEvery())))
        << f.view.samplingText().toStdString();
    EXPECT_LE(f.view.inAir(), 2 * FlowView::kMaxInAir) << "what is drawn stays followable";

    // Slow motion stretches the trips: at the same rate the view samples more.
    const int atFullSpeed = f.view.sampleEvery();
    s.speed = 0.25;
    for (int frame = 0; frame < 5; ++frame) {
        s.recentRequestsEnd = (end += 100);
        s.tUs += 33'000;
        f.nowMs += 33;
        f.feed(s);
    }
    EXPECT_EQ(f.view.tripMs(), std::min(FlowView::kMaxTripMs, FlowView::kTripMs * 4));
    EXPECT_GT(f.view.sampleEvery(), atFullSpeed);
}

TEST(FlowView, ThousandsOfClientsShareRows)
{
    FlowFixture f;
    Snapshot s = flowSnapshot(2000, 3);
    s.recentRequests = {request(1999, 2, 1000)};
    s.recentRequestsEnd = 1;
    f.feed(s);
    EXPECT_LE(f.view.clientRowCount(), FlowView::kMaxClientRows);
    EXPECT_GE(f.view.clientsPerRow() * f.view.clientRowCount(), 2000);
    EXPECT_EQ(f.view.rowOfClient(QStringLiteral("c1999")), f.view.clientRowCount() - 1);
    EXPECT_EQ(f.view.inAir(), 1);
}

TEST(FlowView, ANewRunStartsAfresh)
{
    FlowFixture f;
    Snapshot s = flowSnapshot(4, 2);
    s.recentRequests = {request(0, 0, 1000), request(1, 1, 2000)};
    s.recentRequestsEnd = 500;
    f.feed(s);
    EXPECT_EQ(f.view.inAir(), 2);
    Snapshot restarted = flowSnapshot(4, 2);
    restarted.tUs = 100'000;
    restarted.recentRequests = {request(3, 1, 50'000)};
    restarted.recentRequestsEnd = 1;
    f.feed(restarted);
    EXPECT_EQ(f.view.inAir(), 1) << "the old run's flights are gone, the new run's first request flies";
}

TEST(FlowView, TheHeaderWrapsRatherThanCuttingItsTitle)
{
    FlowFixture f;
    Snapshot s = flowSnapshot(6, 3);
    s.speed = 0.25;
    f.feed(s);
    const int line = f.view.fontMetrics().height() + 6;
    EXPECT_FALSE(f.view.headerWrapped()) << "1400 px hold the title and the widest note side by side";
    EXPECT_EQ(f.view.headerRect().height(), line);

    f.view.resize(700, 800);
    QCoreApplication::processEvents();
    ASSERT_EQ(f.view.width(), 700);
    EXPECT_TRUE(f.view.headerWrapped()) << "700 px do not: the note goes under the title";
    EXPECT_EQ(f.view.headerRect().height(), 2 * line);
    EXPECT_LE(f.view.fontMetrics().horizontalAdvance(QStringLiteral("Requests: client → balancer → server and back")),
              f.view.headerRect().width())
        << "the title is whole on its own line";
    EXPECT_GT(f.view.clientRowRect(0).top(), f.view.headerRect().bottom()) << "the clients start under the header";
    const QImage image = f.view.grab().toImage();
    EXPECT_GT(countColour(image, f.view.headerRect().adjusted(0, line, 0, 0), QColor(0xFF, 0xE0, 0x70)), 100)
        << "the slow-motion note is drawn on the second line";
}

TEST(FlowView, ALowViewNamesTheBalancerAboveItsBoxToKeepTableRows)
{
    FlowFixture f;
    QFont text = f.view.font();
    text.setPointSizeF(12); // the window's text size
    f.view.setFont(text);
    Snapshot s = flowSnapshot(60, 3);
    for (int i = 0; i < 20; ++i) {
        lblab::SessionRow pin;
        pin.key = "127.100.0." + std::to_string(100 + i);
        pin.backend = i % 3;
        s.table.push_back(pin);
    }
    s.tableSize = 176;
    f.feed(s);
    EXPECT_FALSE(f.view.compactBalancer()) << "800 px tall: the name and the policy on lines of their own";
    EXPECT_EQ(f.view.tableCaption(), QStringLiteral("Table: 176 pins, latest first"));
    EXPECT_GE(f.view.tableRowCount(), 10);

    // Step mode's banner under the view on a 1366x768 projector leaves it this low.
    f.view.resize(720, 280);
    QCoreApplication::processEvents();
    ASSERT_EQ(f.view.height(), 280);
    EXPECT_TRUE(f.view.compactBalancer());
    EXPECT_EQ(f.view.tableCaption(), QStringLiteral("Balancer (176 pins)")) << "above the box, beside Clients and Servers";
    EXPECT_GE(f.view.tableRowCount(), 2) << "two lines in the box would have left no row";
    for (int i = 0; i < f.view.tableRowCount(); ++i)
        EXPECT_TRUE(f.view.balancerRect().contains(f.view.tableRowRect(i))) << "row " << i << " is cut";
    EXPECT_EQ(f.view.clientsCaption(), QStringLiteral("Clients (60)")) << "too narrow for the rows per row";
    QFont bold = f.view.font();
    bold.setBold(true);
    EXPECT_LE(QFontMetrics(bold).horizontalAdvance(f.view.clientsCaption()), f.view.clientsArea().width());
}

} // namespace
