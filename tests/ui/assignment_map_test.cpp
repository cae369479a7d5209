#include "ui/assignment_map.h"

#include "qt_app.h"
#include "ui/backend_palette.h"

#include <QDir>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QImage>
#include <QMouseEvent>
#include <QSpinBox>
#include <QtTest/qtestspontaneevent.h>

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
        lblab::BackendView v;
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

/// A click as QTest::mouseClick delivers it (a spontaneous press and release through
/// QApplication::notify), so Qt's click-to-focus runs; the header-only part of QtTest, no library.
void click(QWidget& widget, const QPoint& pos)
{
    for (const QEvent::Type type : {QEvent::MouseButtonPress, QEvent::MouseButtonRelease}) {
        const Qt::MouseButtons buttons = type == QEvent::MouseButtonPress ? Qt::LeftButton : Qt::NoButton;
        QMouseEvent event(type, pos, widget.mapToGlobal(pos), Qt::LeftButton, buttons, Qt::NoModifier);
        QSpontaneKeyEvent::setSpontaneous(&event);
        QApplication::instance()->notify(&widget, &event);
    }
}

/// The largest square side at which `tiles` fit in `area`, found the slow way (every side).
int largestSide(int tiles, const QRect& area)
{
    for (int side = std::min(area.width(), area.height()); side > 0; --side)
        if ((area.width() / side) * (area.height() / side) >= tiles)
            return side;
    return 0;
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

TEST_F(AssignmentMapTest, TwoThousandTilesFitReadably)
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

    // Paint time is measured by bench/map_paint_bench, not asserted here.
    QImage image(map.size(), QImage::Format_ARGB32);
    map.render(&image);
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
    for (int i = 11; i < 300; i += 19) {
        s.clients[static_cast<std::size_t>(i)].movedUs = s.tUs - 400'000 * (i % 7);
        s.clients[static_cast<std::size_t>(i)].movedFrom = (i + 1) % 4;
    }
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

TEST_F(AssignmentMapTest, NineThousandClientsShareTilesAndKIsTheSmallestThatFits)
{
    AssignmentMap map;
    map.resize(1000, 600);
    map.showSnapshot(makeSnapshot(9000, 8));
    const int k = map.clientsPerTile();
    ASSERT_GT(k, 1) << "9,000 one-client tiles cannot be " << AssignmentMap::kMinTile << " px in 1000x600";
    const QRect area = map.gridArea();
    ASSERT_TRUE(map.rect().contains(area));
    int expected = 1;
    while (largestSide((9000 + expected - 1) / expected, area) < AssignmentMap::kMinTile)
        ++expected;
    EXPECT_EQ(k, expected);
    EXPECT_EQ(map.tileCount(), (9000 + k - 1) / k);
    EXPECT_GE(map.tileRect(0).width(), AssignmentMap::kMinTile);
    EXPECT_TRUE(area.contains(map.tileRect(map.tileCount() - 1)));
    EXPECT_TRUE(map.legendTexts().contains(QString("each tile = %1 clients").arg(k)))
        << map.legendTexts().join(" | ").toStdString();
}

TEST_F(AssignmentMapTest, BelowTheThresholdEveryClientKeepsItsOwnTile)
{
    AssignmentMap map;
    map.resize(1000, 700);
    map.showSnapshot(makeSnapshot(2000, 8));
    EXPECT_EQ(map.clientsPerTile(), 1);
    EXPECT_EQ(map.tileCount(), 2000);
    EXPECT_GE(map.tileRect(0).width(), AssignmentMap::kMinTile);
    for (const QString& text : map.legendTexts())
        EXPECT_FALSE(text.startsWith("each tile")) << text.toStdString();
}

TEST_F(AssignmentMapTest, EveryClientIsInExactlyOneTileAndOutsideClientsStayAlone)
{
    Snapshot s = makeSnapshot(9000, 8);
    for (int i = 8990; i < 9000; ++i) {
        s.clients[static_cast<std::size_t>(i)].external = true;
        s.clients[static_cast<std::size_t>(i)].group = "outside";
    }
    AssignmentMap map;
    map.resize(1000, 600);
    map.showSnapshot(s);
    ASSERT_GT(map.clientsPerTile(), 1);
    std::vector<int> seen(9000, 0);
    int next = 0;
    for (int t = 0; t < map.tileCount(); ++t) {
        EXPECT_EQ(map.tileFirstClient(t), next) << "tiles hold consecutive clients, tile " << t;
        ASSERT_GE(map.tileClientCount(t), 1);
        EXPECT_LE(map.tileClientCount(t), map.clientsPerTile());
        for (int i = map.tileFirstClient(t); i < map.tileFirstClient(t) + map.tileClientCount(t); ++i) {
            ++seen[static_cast<std::size_t>(i)];
            EXPECT_EQ(map.tileOfClient(i), t);
        }
        next = map.tileFirstClient(t) + map.tileClientCount(t);
    }
    EXPECT_EQ(next, 9000);
    EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), 9000) << "every client in exactly one tile";
    for (int i = 8990; i < 9000; ++i) {
        const int t = map.tileOfClient(i);
        EXPECT_EQ(map.tileClientCount(t), 1) << "an outside client keeps its own tile";
        EXPECT_TRUE(map.tileIsExternal(t));
    }
    EXPECT_FALSE(map.tileIsExternal(0));
    EXPECT_EQ(map.tileOfClient(9000), -1);
}

TEST_F(AssignmentMapTest, AGroupedTileShowsAMarkWhenAnyMemberHasOne)
{
    Snapshot s = makeSnapshot(9000, 8);
    AssignmentMap map;
    map.resize(1000, 600);
    map.showSnapshot(s);
    const int k = map.clientsPerTile();
    ASSERT_GT(k, 1);
    auto member = [&](int tile, int j) -> ClientView& { return s.clients[static_cast<std::size_t>(tile * k + j)]; };
    member(5, 1).missUs = s.tUs - 300'000;
    member(6, k - 1).ipChangedUs = s.tUs - 200'000;
    member(7, 0).movedUs = s.tUs - 1'000'000;
    member(7, 0).movedFrom = 3;
    for (int j = 0; j < k; ++j)
        member(8, j).pinned = true;      // all pinned: the dot
    member(9, 0).pinned = true;          // one of k: no dot
    map.showSnapshot(s);
    EXPECT_TRUE(map.tileShowsMiss(5));
    EXPECT_FALSE(map.tileShowsMiss(4));
    EXPECT_TRUE(map.tileShowsIpFlash(6));
    EXPECT_FALSE(map.tileShowsIpFlash(5));
    EXPECT_TRUE(map.tileShowsMove(7));
    EXPECT_FALSE(map.tileShowsMove(8));
    EXPECT_TRUE(map.tileShowsPin(8));
    EXPECT_FALSE(map.tileShowsPin(9)) << "the dot needs most members pinned";

    const QString tip = map.tooltipFor(5);
    EXPECT_TRUE(tip.contains(QString::fromStdString(member(5, 0).id))) << tip.toStdString();
    EXPECT_TRUE(tip.contains(QString::fromStdString(member(5, k - 1).id)));
    EXPECT_TRUE(tip.contains("Session miss: " + QString::fromStdString(member(5, 1).id))) << tip.toStdString();
    const std::string firstServer = s.servers[static_cast<std::size_t>((5 * k) % 8)].name;
    EXPECT_TRUE(tip.contains(QString("%1 ×1").arg(QString::fromStdString(firstServer)))) << tip.toStdString();
    EXPECT_TRUE(map.tooltipFor(7).contains("from s4")) << map.tooltipFor(7).toStdString();
}

TEST_F(AssignmentMapTest, AGroupedTileIsStripesOfItsMembersServers)
{
    Snapshot s = makeSnapshot(9000, 8);
    AssignmentMap map;
    map.resize(1000, 600);
    map.showSnapshot(s);
    const int k = map.clientsPerTile();
    ASSERT_GT(k, 1);
    // Tile 10's members sit on consecutive servers (client i is on server i % 8): one stripe each,
    // the lowest server index on the left.
    const int t = 10;
    const QRect r = map.tileRect(t);
    QImage image(map.size(), QImage::Format_ARGB32);
    map.render(&image);
    int lowest = 8, highest = -1;
    for (int j = 0; j < k; ++j) {
        lowest = std::min(lowest, (t * k + j) % 8);
        highest = std::max(highest, (t * k + j) % 8);
    }
    EXPECT_EQ(QColor(image.pixel(r.left() + 1, r.center().y())), BackendPalette::colourFor(lowest));
    EXPECT_EQ(QColor(image.pixel(r.left() + r.width() * (2 * k - 1) / (2 * k) - 1, r.center().y())),
              BackendPalette::colourFor(highest));

    // tileColour() is the members' most common server (ties: the lowest index), and a tie with
    // "no request yet" goes to a server.
    for (int j = 0; j < k; ++j)
        s.clients[static_cast<std::size_t>(12 * k + j)].backend = j == 0 ? 5 : 2;
    for (int j = 0; j < k; ++j)
        s.clients[static_cast<std::size_t>(13 * k + j)].backend = j == 0 ? -1 : 5 + j; // -1, 6, 7, ...
    map.showSnapshot(s);
    EXPECT_EQ(map.tileColour(12), BackendPalette::colourFor(2));
    EXPECT_EQ(map.tileColour(13), BackendPalette::colourFor(6));
}

TEST_F(AssignmentMapTest, ClickOnAGroupedTileFollowsTheMemberWithTheFreshestMark)
{
    Snapshot s = makeSnapshot(9000, 8);
    AssignmentMap map;
    map.resize(1000, 600);
    map.showSnapshot(s);
    const int k = map.clientsPerTile();
    ASSERT_GT(k, 1);
    s.clients[static_cast<std::size_t>(5 * k + 1)].missUs = s.tUs - 900'000;
    s.clients[static_cast<std::size_t>(5 * k + 2)].ipChangedUs = s.tUs - 100'000; // fresher
    map.showSnapshot(s);
    QStringList spy;
    QObject::connect(&map, &AssignmentMap::clientSelected, [&spy](const QString& id) { spy << id; });
    const QPointF marked = map.tileRect(5).center();
    QMouseEvent press(QEvent::MouseButtonPress, marked, map.mapToGlobal(marked), Qt::LeftButton, Qt::LeftButton,
                      Qt::NoModifier);
    QCoreApplication::sendEvent(&map, &press);
    ASSERT_EQ(spy.size(), 1);
    EXPECT_EQ(spy.at(0), QString::fromStdString(s.clients[static_cast<std::size_t>(5 * k + 2)].id));
    EXPECT_EQ(map.tileOfClient(5 * k + 2), 5);

    const QPointF plain = map.tileRect(6).center();
    QMouseEvent press2(QEvent::MouseButtonPress, plain, map.mapToGlobal(plain), Qt::LeftButton, Qt::LeftButton,
                       Qt::NoModifier);
    QCoreApplication::sendEvent(&map, &press2);
    ASSERT_EQ(spy.size(), 2);
    EXPECT_EQ(spy.at(1), QString::fromStdString(s.clients[static_cast<std::size_t>(6 * k)].id)) << "no mark: the first";
    EXPECT_EQ(map.selectedClient(), spy.at(1));
    map.grab(); // paints the selection inside a grouped tile without crashing
}

TEST_F(AssignmentMapTest, NineThousandClientsPaintWithTheirMarks)
{
    Snapshot s = makeSnapshot(9000, 8);
    for (std::size_t i = 0; i < s.clients.size(); ++i) {
        s.clients[i].pinned = true;
        if (i % 37 == 0)
            s.clients[i].missUs = s.tUs - 500'000;
        if (i % 53 == 0)
            s.clients[i].ipChangedUs = s.tUs - 300'000;
        if (i % 41 == 0) {
            s.clients[i].movedUs = s.tUs - 1'000'000;
            s.clients[i].movedFrom = static_cast<int>((i + 1) % 8);
        }
    }
    AssignmentMap map;
    map.resize(1000, 600);
    map.showSnapshot(s);
    ASSERT_GT(map.clientsPerTile(), 1);
    int marked = 0;
    for (int i = 0; i < map.tileCount(); ++i)
        marked += map.tileShowsMiss(i) ? 1 : 0;
    EXPECT_GE(marked, 9000 / 37 / map.clientsPerTile()) << "every miss shows on its tile";
    QImage image(map.size(), QImage::Format_ARGB32);
    map.render(&image);
    QDir().mkpath(LBLAB_TEST_OUTPUT_DIR);
    image.save(QString(LBLAB_TEST_OUTPUT_DIR) + "/assignment_map_9000.png");
}

TEST_F(AssignmentMapTest, AClientThatMovedShowsItsPreviousServerForAFewSeconds)
{
    Snapshot s = makeSnapshot(12, 3);
    s.clients[1].movedUs = s.tUs - 1'000'000; // 1 s ago: shown
    s.clients[1].movedFrom = 0;
    s.clients[2].movedUs = s.tUs - 5'000'000; // 5 s ago: gone
    s.clients[2].movedFrom = 1;
    AssignmentMap map;
    map.resize(800, 500);
    map.showSnapshot(s);
    EXPECT_TRUE(map.tileShowsMove(1));
    EXPECT_FALSE(map.tileShowsMove(2));
    EXPECT_FALSE(map.tileShowsMove(0)) << "never moved";
    EXPECT_TRUE(map.legendTexts().filter("moved").size() == 1) << map.legendTexts().join(" | ").toStdString();
    EXPECT_TRUE(map.tooltipFor(1).contains("Moved from s1 to s2")) << map.tooltipFor(1).toStdString();

    QImage image(map.size(), QImage::Format_ARGB32);
    map.render(&image);
    const QRect moved = map.tileRect(1);
    EXPECT_EQ(QColor(image.pixel(moved.left() + 1, moved.center().y())), BackendPalette::colourFor(0))
        << "the frame is in the previous server's colour";
    EXPECT_EQ(QColor(image.pixel(moved.center().x() - 2, moved.center().y() + moved.height() / 4)),
              BackendPalette::colourFor(1))
        << "the inside stays the current server's colour";
    const QRect old = map.tileRect(2);
    EXPECT_EQ(QColor(image.pixel(old.left() + 1, old.center().y())), BackendPalette::colourFor(2));
}

TEST_F(AssignmentMapTest, ClickingTheMapTakesTheKeyboardFocusFromASpinBox)
{
    QWidget window;
    auto* seed = new QSpinBox(&window);
    seed->setRange(0, 99999);
    auto* map = new AssignmentMap(&window);
    auto* layout = new QHBoxLayout(&window);
    layout->addWidget(seed);
    layout->addWidget(map, 1);
    window.resize(900, 500);
    window.show();
    window.activateWindow();
    ASSERT_TRUE(lblab::test::waitUntil([&] { return window.isActiveWindow(); }, 5000));
    map->showSnapshot(makeSnapshot(20, 3));
    seed->setFocus(Qt::OtherFocusReason);
    ASSERT_TRUE(lblab::test::waitUntil([&] { return seed->hasFocus(); }, 5000));

    click(*map, map->tileRect(3).center());
    EXPECT_TRUE(map->hasFocus()) << "Space must reach the window, not the seed field";
    EXPECT_FALSE(seed->hasFocus());
    EXPECT_EQ(map->selectedClient(), "c3");
}

TEST_F(AssignmentMapTest, TheLegendIsNeverCut)
{
    Snapshot s = makeSnapshot(300, 8);
    for (std::size_t b = 0; b < s.servers.size(); ++b)
        s.servers[b].name = "server-" + std::to_string(b + 1);
    for (const int pointSize : {9, 16}) {
        for (const int width : {700, 1000}) {
            AssignmentMap map;
            QFont f = map.font();
            f.setPointSize(pointSize);
            map.setFont(f);
            map.resize(width, 600);
            map.showSnapshot(s);
            const std::vector<QRect> rects = map.legendRects();
            const QStringList texts = map.legendTexts();
            ASSERT_EQ(rects.size(), static_cast<std::size_t>(texts.size()));
            ASSERT_GE(rects.size(), 14u) << "8 servers, no-request, 5 marks";
            const QFontMetrics fm(map.font());
            for (std::size_t i = 0; i < rects.size(); ++i) {
                const QString what =
                    QString("%1 at %2 px, %3 pt").arg(texts[static_cast<int>(i)]).arg(width).arg(pointSize);
                EXPECT_TRUE(map.rect().contains(rects[i])) << what.toStdString();
                EXPECT_GT(rects[i].width(), fm.horizontalAdvance(texts[static_cast<int>(i)]) + fm.height() / 2)
                    << "room for the swatch and the whole label: " << what.toStdString();
                EXPECT_LE(rects[i].bottom(), map.gridArea().top()) << "the grid starts below the legend";
                for (std::size_t j = i + 1; j < rects.size(); ++j)
                    EXPECT_FALSE(rects[i].intersects(rects[j])) << what.toStdString() << " overlaps "
                                                               << texts[static_cast<int>(j)].toStdString();
            }
            EXPECT_GT(map.tileRect(0).top(), rects.back().bottom());
        }
    }
}

TEST_F(AssignmentMapTest, TooltipAndDetailsGiveTheLastRequestsReasonWithItsInputs)
{
    Snapshot s = makeSnapshot(3, 3);
    ClientView& c = s.clients[2];
    c.ip = *lblab::parseIpv4("127.0.3.17");
    c.sessionKey = "127.0.3.17";
    c.backend = 1;
    c.decision = DecisionKind::Pinned;
    c.reason.rule = lblab::ReasonRule::TablePinned;
    c.reason.key = lblab::ReasonKey::Address;
    c.reason.pinned = 1;
    c.reason.pinAgeMs = 4200;
    AssignmentMap map;
    map.showSnapshot(s);
    const QString tip = map.tooltipFor(2);
    EXPECT_TRUE(tip.contains("Why: table: 127.0.3.17 pinned to s2 4.2 s ago -> s2")) << tip.toStdString();

    // An engine's or a replayed request carries its reason as text.
    c.why = "haproxy: stick on src, key 127.0.3.17: pinned -> s2";
    map.showSnapshot(s);
    EXPECT_TRUE(map.tooltipFor(2).contains("Why: haproxy: stick on src")) << map.tooltipFor(2).toStdString();
}
