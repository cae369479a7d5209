#include "ui/assignment_map.h"

#include "qt_app.h"
#include "ui/backend_palette.h"

#include <QElapsedTimer>
#include <QImage>
#include <QMouseEvent>
#include <QDir>

#include <gtest/gtest.h>

using lblab::ClientView;
using lblab::DecisionKind;
using lblab::SessionOutcome;
using lblab::Snapshot;
using lblab::ui::AssignmentMap;
using lblab::ui::BackendPalette;

namespace {

Snapshot makeSnapshot(int clients, int servers)
{
    Snapshot s;
    s.sequence = 7;
    s.tUs = 10'000'000;
    s.policy = "cookie-affinity";
    for (int b = 0; b < servers; ++b) {
        lblab::ServerView v;
        v.name = "s" + std::to_string(b + 1);
        s.servers.push_back(v);
    }
    for (int i = 0; i < clients; ++i) {
        ClientView c;
        c.id = "c" + std::to_string(i);
        c.group = "users";
        c.ip = lblab::loopbackAddress(3, static_cast<std::uint32_t>(i));
        c.backend = i % servers;
        c.decision = DecisionKind::RoundRobin;
        c.status = 200;
        c.lastUs = 9'000'000;
        c.requests = 3;
        s.clients.push_back(c);
    }
    return s;
}

class AssignmentMapTest : public ::testing::Test {
protected:
    void SetUp() override { lblab::test::qtApp(); }
};

} // namespace

TEST_F(AssignmentMapTest, EmptyMapHasNoTiles)
{
    AssignmentMap map;
    EXPECT_EQ(map.tileCount(), 0);
    EXPECT_EQ(map.tooltipFor(0), QString());
    EXPECT_FALSE(map.tileShowsPin(0));
    EXPECT_EQ(map.tileAt(QPoint(10, 10)), -1);
}

TEST_F(AssignmentMapTest, TilesTakeTheirBackendsColourAndGreyBeforeTheFirstRequest)
{
    Snapshot s = makeSnapshot(12, 3);
    s.clients[5].backend = -1;
    s.clients[5].lastUs = -1;
    AssignmentMap map;
    map.showSnapshot(s);
    ASSERT_EQ(map.tileCount(), 12);
    EXPECT_EQ(map.tileColour(0), BackendPalette::colourFor(0));
    EXPECT_EQ(map.tileColour(1), BackendPalette::colourFor(1));
    EXPECT_EQ(map.tileColour(2), BackendPalette::colourFor(2));
    EXPECT_EQ(map.tileColour(5), BackendPalette::colourFor(-1));
    EXPECT_NE(map.tileColour(0), map.tileColour(1));
}

TEST_F(AssignmentMapTest, PinMissAndIpFlashMarksFollowTheSnapshotClock)
{
    Snapshot s = makeSnapshot(6, 2);
    s.clients[0].pinned = true;
    s.clients[0].pinCreatedUs = 4'000'000;
    s.clients[1].missUs = s.tUs - 500'000;      // fresh miss
    s.clients[2].missUs = s.tUs - 3'000'000;    // stale miss: faded out
    s.clients[3].ipChangedUs = s.tUs - 200'000; // fresh IP change
    s.clients[4].ipChangedUs = s.tUs - 1'500'000; // faded
    AssignmentMap map;
    map.showSnapshot(s);
    EXPECT_TRUE(map.tileShowsPin(0));
    EXPECT_FALSE(map.tileShowsPin(1));
    EXPECT_TRUE(map.tileShowsMiss(1));
    EXPECT_FALSE(map.tileShowsMiss(2));
    EXPECT_FALSE(map.tileShowsMiss(0));
    EXPECT_TRUE(map.tileShowsIpFlash(3));
    EXPECT_FALSE(map.tileShowsIpFlash(4));
    EXPECT_FALSE(map.tileShowsIpFlash(5));
}

TEST_F(AssignmentMapTest, TooltipExplainsTheClient)
{
    Snapshot s = makeSnapshot(4, 2);
    ClientView& c = s.clients[3];
    c.id = "c42";
    c.group = "mobile";
    c.ip = *lblab::parseIpv4("127.0.3.17");
    c.sessionKey = "LBLAB_SRV=s2";
    c.backend = 1;
    c.decision = DecisionKind::Pinned;
    c.pinned = true;
    c.pinCreatedUs = s.tUs - 2'500'000;
    c.status = 401;
    c.session = SessionOutcome::Miss;
    AssignmentMap map;
    map.showSnapshot(s);
    const QString tip = map.tooltipFor(3);
    EXPECT_TRUE(tip.contains("c42")) << tip.toStdString();
    EXPECT_TRUE(tip.contains("mobile"));
    EXPECT_TRUE(tip.contains("127.0.3.17"));
    EXPECT_TRUE(tip.contains("LBLAB_SRV=s2"));
    EXPECT_TRUE(tip.contains("s2"));
    EXPECT_TRUE(tip.contains("pinned"));
    EXPECT_TRUE(tip.contains("2.5 s"));
    EXPECT_TRUE(tip.contains("401"));
    EXPECT_TRUE(tip.contains("miss"));
    EXPECT_EQ(map.tooltipFor(99), QString());
}

TEST_F(AssignmentMapTest, ExternalClientsAreDiamonds)
{
    Snapshot s = makeSnapshot(3, 2);
    s.clients[2].external = true;
    s.clients[2].id = "ext-127.0.0.1";
    s.clients[2].group = "outside";
    AssignmentMap map;
    map.showSnapshot(s);
    EXPECT_TRUE(map.tileIsExternal(2));
    EXPECT_FALSE(map.tileIsExternal(0));
    EXPECT_TRUE(map.tooltipFor(2).contains("outside"));
}

TEST_F(AssignmentMapTest, TwoThousandTilesFitReadablyAndPaintFast)
{
    AssignmentMap map;
    map.resize(1000, 700);
    map.showSnapshot(makeSnapshot(2000, 4));
    ASSERT_EQ(map.tileCount(), 2000);
    const QRect first = map.tileRect(0);
    const QRect last = map.tileRect(1999);
    EXPECT_GE(first.width(), 10) << "tiles too small to read";
    EXPECT_TRUE(map.rect().contains(first));
    EXPECT_TRUE(map.rect().contains(last));
    EXPECT_FALSE(first.intersects(map.tileRect(1)));
    EXPECT_EQ(map.tileAt(last.center()), 1999);

    QImage image(map.size(), QImage::Format_ARGB32);
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < 10; ++i)
        map.render(&image);
    EXPECT_LT(timer.elapsed(), 1500) << "10 paints of 2,000 tiles";
    // The pixel in the middle of a tile is its backend's colour.
    EXPECT_EQ(QColor(image.pixel(map.tileRect(1).topLeft() + QPoint(2, 2))), BackendPalette::colourFor(1));
    QDir().mkpath(LBLAB_TEST_OUTPUT_DIR);
    image.save(QString(LBLAB_TEST_OUTPUT_DIR) + "/assignment_map_2000.png");
}

TEST_F(AssignmentMapTest, ClickSelectsAClientAndEmptySpaceClears)
{
    AssignmentMap map;
    map.resize(600, 400);
    map.showSnapshot(makeSnapshot(10, 2));
    QStringList spy;
    QObject::connect(&map, &AssignmentMap::clientSelected, [&spy](const QString& id) { spy << id; });
    const QPointF at = map.tileRect(4).center();
    QMouseEvent press(QEvent::MouseButtonPress, at, map.mapToGlobal(at), Qt::LeftButton, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&map, &press);
    ASSERT_EQ(spy.count(), 1);
    EXPECT_EQ(spy.at(0), "c4");
    EXPECT_EQ(map.selectedClient(), "c4");
    map.grab(); // paints the selection and details without crashing

    QMouseEvent miss(QEvent::MouseButtonPress, QPointF(1, 1), map.mapToGlobal(QPointF(1, 1)), Qt::LeftButton,
                     Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&map, &miss);
    EXPECT_EQ(map.selectedClient(), QString());
}

TEST_F(AssignmentMapTest, SaveScreenshot)
{
    Snapshot s = makeSnapshot(300, 4);
    for (int i = 0; i < 300; i += 7)
        s.clients[static_cast<std::size_t>(i)].pinned = true;
    for (int i = 3; i < 300; i += 31)
        s.clients[static_cast<std::size_t>(i)].missUs = s.tUs - 300'000;
    for (int i = 5; i < 300; i += 23)
        s.clients[static_cast<std::size_t>(i)].ipChangedUs = s.tUs - 100'000;
    s.clients[299].external = true;
    AssignmentMap map;
    QFont f = map.font();
    f.setPointSize(12);
    map.setFont(f);
    map.resize(1000, 640);
    map.showSnapshot(s);
    map.selectClient("c7");
    QDir().mkpath(LBLAB_TEST_OUTPUT_DIR);
    EXPECT_TRUE(map.grab().save(QString(LBLAB_TEST_OUTPUT_DIR) + "/assignment_map.png"));
}
