// The replay window on a real recorded run: the slider moves the map, play advances time, it fits
// a classroom projector's screen, and a run that cannot be read says why.

#include "ui/replay_window.h"

#include "qt_app.h"
#include "scoped_app_font.h"
#include "core/record/csv_reader.h"
#include "core/record/csv_writer.h"
#include "core/lab/lab.h"
#include "core/config/preset_catalog.h"
#include "ui/assignment_map.h"
#include "ui/event_log_panel.h"
#include "ui/load_charts.h"
#include "ui/screen_fit.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QImage>
#include <QLabel>
#include <QMouseEvent>
#include <QPushButton>
#include <QScreen>
#include <QSlider>
#include <QStyleOptionSlider>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

using lblab::ui::ReplayWindow;
namespace fs = std::filesystem;

namespace {

// A folder of the running test's own: ctest runs each case in its own process, two at a time, and
// the recorded runs below are made once per process, so a shared folder was emptied under another.
fs::path outputDir(const std::string& name)
{
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    auto dir = fs::path(LBLAB_TEST_OUTPUT_DIR) / (name + "-" + (test ? test->name() : "setup"));
    fs::remove_all(dir);
    return dir;
}

// One short recorded run for all tests.
const fs::path& recordedRun()
{
    static const fs::path dir = [] {
        lblab::LabConfig c = *lblab::PresetCatalog::find("login-round-robin");
        c.requestRate = 250;
        c.clients[0].count = 48;
        lblab::Lab lab(c);
        lab.start();
        // Some load and one closed interval before a third of the users move, then enough after
        // it for every moved user to come back from its new address, over several intervals.
        EXPECT_TRUE(lblab::test::waitFor([&] {
            const auto s = lab.snapshot();
            return s->totals.requests >= 200 && !s->history.empty();
        }));
        lab.changeClientIps(0.3);
        EXPECT_TRUE(lblab::test::waitFor([&] {
            const auto s = lab.snapshot();
            const auto back = std::count_if(s->clients.begin(), s->clients.end(), [](const lblab::ClientView& v) {
                return v.ipChangedUs >= 0 && v.lastUs > v.ipChangedUs;
            });
            return back >= 14 && s->history.size() >= 3;
        }));
        lab.stop();
        const fs::path out = outputDir("replay-window-run");
        lab.exportRun(out);
        return out;
    }();
    return dir;
}

// Polls the lab's published snapshot until `done` holds (bounded; the core works on its own threads).
bool waitForLab(lblab::Lab& lab, const std::function<bool(const lblab::Snapshot&)>& done)
{
    return lblab::test::waitFor([&] { return done(*lab.publishNow()); });
}

std::size_t logCount(const lblab::Snapshot& s, lblab::LabEventKind kind)
{
    return static_cast<std::size_t>(
        std::count_if(s.log.begin(), s.log.end(), [kind](const lblab::LabEvent& e) { return e.kind == kind; }));
}

// A run with something to mark: a policy switch, a server killed, half the users moved at once.
const fs::path& eventfulRun()
{
    static const fs::path dir = [] {
        lblab::LabConfig c = *lblab::PresetCatalog::find("login-round-robin");
        c.requestRate = 200;
        c.clients[0].count = 40;
        lblab::Lab lab(c);
        lab.start();
        auto served = [&lab](std::uint64_t more) {
            const std::uint64_t target = lab.publishNow()->totals.requests + more;
            return waitForLab(lab, [target](const lblab::Snapshot& s) { return s.totals.requests >= target; });
        };
        // Over half a second of the run first: the charts measure the churn of IP changes before
        // they call anything a burst.
        EXPECT_TRUE(served(120));
        lab.setPolicy("cookie-affinity");
        EXPECT_TRUE(waitForLab(lab, [](const lblab::Snapshot& s) { return s.policy == "cookie-affinity"; }));
        EXPECT_TRUE(served(60));
        lab.killBackend("s2");
        EXPECT_TRUE(waitForLab(lab, [](const lblab::Snapshot& s) { return logCount(s, lblab::LabEventKind::BackendDown) > 0; }));
        EXPECT_TRUE(served(60));
        lab.changeClientIps(0.5);
        EXPECT_TRUE(waitForLab(lab, [](const lblab::Snapshot& s) { return logCount(s, lblab::LabEventKind::IpChanged) >= 20; }));
        EXPECT_TRUE(served(60));
        lab.stop();
        const fs::path out = outputDir("replay-window-eventful");
        lab.exportRun(out);
        return out;
    }();
    return dir;
}

std::set<QRgb> tileColours(const lblab::ui::AssignmentMap& map)
{
    std::set<QRgb> colours;
    for (int i = 0; i < map.tileCount(); ++i)
        colours.insert(map.tileColour(i).rgb());
    return colours;
}

class ReplayWindowTest : public ::testing::Test {
protected:
    void SetUp() override { lblab::test::qtApp(); }
};

TEST_F(ReplayWindowTest, MovingTheSliderRecolorsTheMap)
{
    ReplayWindow window(QString::fromStdString(recordedRun().string()));
    ASSERT_TRUE(window.loaded()) << window.error().toStdString();
    EXPECT_TRUE(window.error().isEmpty());
    EXPECT_TRUE(window.notesText().isEmpty()) << window.notesText().toStdString();
    window.show();
    lblab::test::pumpEvents(50);

    auto* map = window.assignmentMap();
    ASSERT_EQ(map->tileCount(), 48);
    // At the start nobody has been served: every tile has the same "no backend yet" colour.
    window.timeline()->setValue(0);
    EXPECT_EQ(window.timeUs(), 0);
    const auto atStart = tileColours(*map);
    EXPECT_EQ(atStart.size(), 1u);
    std::vector<QRgb> before;
    for (int i = 0; i < map->tileCount(); ++i)
        before.push_back(map->tileColour(i).rgb());

    // The user drags the slider to the end: tiles take their backends' colours (three servers).
    window.timeline()->setValue(window.timeline()->maximum());
    EXPECT_EQ(window.timeUs() / 1000, window.timeline()->maximum());
    const auto atEnd = tileColours(*map);
    EXPECT_GE(atEnd.size(), 3u);
    int changed = 0;
    for (int i = 0; i < map->tileCount(); ++i)
        changed += map->tileColour(i).rgb() != before[static_cast<std::size_t>(i)] ? 1 : 0;
    EXPECT_GT(changed, 40);
    EXPECT_GT(window.loadCharts()->graphPointCount(lblab::ui::LoadCharts::Series::RequestRate, 0), 1);
    EXPECT_GT(window.eventLog()->rowCount(), 0);
    EXPECT_DOUBLE_EQ(window.loadCharts()->windowSeconds(), 5.0) << "a 2 s run fills the charts' time axis";
    EXPECT_TRUE(window.timeText().endsWith(QStringLiteral(" s"))) << window.timeText().toStdString();

    // Back to the middle: the charts are redrawn with fewer points, not left at the end.
    const int endPoints = window.loadCharts()->graphPointCount(lblab::ui::LoadCharts::Series::RequestRate, 0);
    window.timeline()->setValue(window.timeline()->maximum() / 2);
    EXPECT_LT(window.loadCharts()->graphPointCount(lblab::ui::LoadCharts::Series::RequestRate, 0), endPoints);
    lblab::test::pumpEvents(50);

    window.resize(1200, 800);
    window.timeline()->setValue(window.timeline()->maximum() * 3 / 4);
    lblab::test::pumpEvents(50);
    const QString png = QString(LBLAB_TEST_OUTPUT_DIR) + "/replay.png";
    QDir().mkpath(QString(LBLAB_TEST_OUTPUT_DIR));
    EXPECT_TRUE(window.grab().save(png));
}

TEST_F(ReplayWindowTest, PlayAdvancesTimeAndStopsAtTheEnd)
{
    ReplayWindow window(QString::fromStdString(recordedRun().string()));
    ASSERT_TRUE(window.loaded());
    window.setSpeed(4);
    EXPECT_EQ(window.speed(), 4);
    window.play();
    EXPECT_TRUE(window.playing());
    ASSERT_TRUE(lblab::test::waitUntil([&] { return window.timeUs() > 200'000; }, 3000));
    window.pause();
    EXPECT_FALSE(window.playing());
    const auto paused = window.timeUs();
    lblab::test::pumpEvents(150);
    EXPECT_EQ(window.timeUs(), paused);

    // At 4x a 1.8 s run ends within about half a second; playing stops there by itself.
    window.play();
    ASSERT_TRUE(lblab::test::waitUntil([&] { return !window.playing(); }, 5000));
    EXPECT_EQ(window.timeline()->value(), window.timeline()->maximum());
    window.setSpeed(3);
    EXPECT_EQ(window.speed(), 4);
    window.setSpeed(1);
    EXPECT_EQ(window.speed(), 1);
}

TEST_F(ReplayWindowTest, AClickOnTheTrackJumpsThere)
{
    ReplayWindow window(QString::fromStdString(recordedRun().string()));
    ASSERT_TRUE(window.loaded());
    window.resize(1200, 800);
    window.show();
    lblab::test::pumpEvents(50);
    QSlider* slider = window.timeline();
    ASSERT_GT(slider->maximum(), 1000);

    // Where the style draws the groove, as QSlider itself computes it.
    QStyleOptionSlider option;
    option.initFrom(slider);
    option.orientation = slider->orientation();
    option.minimum = slider->minimum();
    option.maximum = slider->maximum();
    option.sliderPosition = slider->sliderPosition();
    option.sliderValue = slider->value();
    option.subControls = QStyle::SC_SliderGroove | QStyle::SC_SliderHandle;
    const QRect groove = slider->style()->subControlRect(QStyle::CC_Slider, &option, QStyle::SC_SliderGroove, slider);
    ASSERT_GT(groove.width(), 100);
    const QPoint at(groove.left() + groove.width() * 3 / 4, groove.center().y());

    QMouseEvent press(QEvent::MouseButtonPress, at, slider->mapToGlobal(at), Qt::LeftButton, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(slider, &press);
    QMouseEvent release(QEvent::MouseButtonRelease, at, slider->mapToGlobal(at), Qt::LeftButton, Qt::NoButton,
                        Qt::NoModifier);
    QApplication::sendEvent(slider, &release);

    const double share = static_cast<double>(window.timeUs()) / static_cast<double>(slider->maximum() * 1000);
    EXPECT_NEAR(share, 0.75, 0.05) << "one click at three quarters of the track shows three quarters into the run";
    EXPECT_GT(window.loadCharts()->graphPointCount(lblab::ui::LoadCharts::Series::RequestRate, 0), 1);
}

TEST_F(ReplayWindowTest, SlowSpeedsPlayAtAFractionOfTheRecordedPace)
{
    ReplayWindow window(QString::fromStdString(recordedRun().string()));
    ASSERT_TRUE(window.loaded());
    auto* box = window.findChild<QComboBox*>();
    ASSERT_NE(box, nullptr);
    EXPECT_EQ(box->count(), 5);
    EXPECT_DOUBLE_EQ(window.speed(), 1.0);

    window.setTimeUs(0);
    window.setSpeed(0.25);
    EXPECT_DOUBLE_EQ(window.speed(), 0.25);
    EXPECT_DOUBLE_EQ(box->currentData().toDouble(), 0.25);
    window.advanceBy(400'000); // 0.4 s of wall time
    EXPECT_EQ(window.timeUs(), 100'000);
    window.setSpeed(0.5);
    window.advanceBy(400'000);
    EXPECT_EQ(window.timeUs(), 300'000);
    window.setSpeed(1);
    window.advanceBy(400'000);
    EXPECT_EQ(window.timeUs(), 700'000);

    // The box sets the speed too; other factors go to the nearest offered.
    box->setCurrentIndex(1);
    EXPECT_DOUBLE_EQ(window.speed(), 0.5);
    window.setSpeed(0.3);
    EXPECT_DOUBLE_EQ(window.speed(), 0.25);
    window.setSpeed(0.7);
    EXPECT_DOUBLE_EQ(window.speed(), 0.5);
    window.setSpeed(0);
    EXPECT_DOUBLE_EQ(window.speed(), 0.25);
    window.setSpeed(100);
    EXPECT_DOUBLE_EQ(window.speed(), 4.0);

    // Played through the real timer at 0.25x the run moves, and much slower than the wall clock.
    window.setSpeed(0.25);
    window.setTimeUs(0);
    QElapsedTimer wall;
    wall.start();
    window.play();
    ASSERT_TRUE(lblab::test::waitUntil([&] { return window.timeUs() >= 100'000; }, 10'000));
    window.pause();
    EXPECT_GE(wall.elapsed(), 350) << "0.1 s of the run at 0.25x takes at least 0.4 s";
}

TEST_F(ReplayWindowTest, TheReplayChartsMarkWhatChanged)
{
    ReplayWindow window(QString::fromStdString(eventfulRun().string()));
    ASSERT_TRUE(window.loaded()) << window.error().toStdString();
    window.setTimeUs(window.timeline()->maximum() * 1000LL);
    const auto& markers = window.loadCharts()->markers();
    QStringList labels;
    for (const auto& m : markers)
        labels << m.label;
    EXPECT_TRUE(labels.contains(QStringLiteral("→ cookie-affinity"))) << labels.join(" | ").toStdString();
    EXPECT_TRUE(labels.contains(QStringLiteral("s2 killed"))) << labels.join(" | ").toStdString();
    EXPECT_TRUE(labels.contains(QStringLiteral("20 IP changes"))) << labels.join(" | ").toStdString();
    EXPECT_FALSE(labels.contains(QStringLiteral("s2 down"))) << "the kill is marked once";
    EXPECT_TRUE(window.loadCharts()->imageTitle().contains(QStringLiteral("round-robin → cookie-affinity")))
        << window.loadCharts()->imageTitle().toStdString();

    // Scrubbed back before the switch: its marker goes; forward again: it is back, once.
    double switchX = -1;
    for (const auto& m : markers)
        if (m.kind == lblab::ui::ChartMarker::Kind::Policy)
            switchX = m.x;
    ASSERT_GT(switchX, 0);
    window.setTimeUs(static_cast<std::int64_t>(switchX * 1e6) - 50'000);
    for (const auto& m : window.loadCharts()->markers())
        EXPECT_NE(m.kind, lblab::ui::ChartMarker::Kind::Policy);
    window.setTimeUs(window.timeline()->maximum() * 1000LL);
    int switches = 0;
    for (const auto& m : window.loadCharts()->markers())
        switches += m.kind == lblab::ui::ChartMarker::Kind::Policy ? 1 : 0;
    EXPECT_EQ(switches, 1);
    window.resize(1300, 850);
    window.show();
    lblab::test::pumpEvents(50);
    EXPECT_TRUE(window.grab().save(QString(LBLAB_TEST_OUTPUT_DIR) + "/replay_markers.png"));
}

TEST_F(ReplayWindowTest, AnOlderExportShowsItsNotesInTheBanner)
{
    const fs::path dir = outputDir("replay-window-old");
    fs::create_directories(dir);
    for (const char* file : {"events.csv", "servers.csv", "run.json"})
        fs::copy_file(recordedRun() / file, dir / file);
    const auto csv = lblab::CsvReader::readFile(dir / "events.csv");
    ASSERT_TRUE(csv.ok());
    const auto session = *lblab::CsvReader::column(csv.rows[0], "session");
    std::string text;
    lblab::CsvWriter writer(text);
    for (const auto& row : csv.rows) {
        std::vector<std::string_view> fields(row.begin(), row.end());
        fields.erase(fields.begin() + static_cast<std::ptrdiff_t>(session));
        writer.row(fields);
    }
    std::ofstream(dir / "events.csv", std::ios::binary | std::ios::trunc) << text;

    ReplayWindow window(QString::fromStdString(dir.string()));
    ASSERT_TRUE(window.loaded()) << window.error().toStdString();
    EXPECT_TRUE(window.notesText().contains(QStringLiteral("'session'"))) << window.notesText().toStdString();
    window.resize(1000, 700);
    window.setTimeUs(1'000'000);
    EXPECT_TRUE(window.grab().save(QString(LBLAB_TEST_OUTPUT_DIR) + "/replay_notes.png"));
}

// Opened by the lab's File menu, which asks for 1400x900: on the screen it opens on (offscreen:
// 800x800) it is no taller than the screen.
TEST_F(ReplayWindowTest, ItsFirstSizeFitsTheScreen)
{
    ReplayWindow window(QString::fromStdString(recordedRun().string()));
    ASSERT_TRUE(window.loaded()) << window.error().toStdString();
    window.resize(1400, 900); // MainWindow::openRecordedRunDialog
    window.show();
    const QRect room = window.screen()->availableGeometry();
    EXPECT_LE(window.frameGeometry().height(), room.height());
    // Five charts in a row need more than the offscreen screen's 800 px: as narrow as they allow.
    EXPECT_EQ(window.width(), std::max(room.width() - (window.frameGeometry().width() - window.width()),
                                       window.minimumSizeHint().width()));
}

// On 1280x800 and 1366x768 screens (less a panel and a title bar), at the lab's text size and at
// presentation mode's, it fits whole with its play bar (play, speed, timeline, time), totals, map,
// log and charts in view.
TEST_F(ReplayWindowTest, OnClassroomScreensThePlayBarStaysInView)
{
    for (const double points : {12.0, 15.6}) {
        const lblab::test::ScopedAppFont font(points);
        ReplayWindow window(QString::fromStdString(recordedRun().string()));
        ASSERT_TRUE(window.loaded()) << window.error().toStdString();
        window.show();
        window.setTimeUs(window.timeline()->maximum() * 1000LL / 2);
        for (const QRect screen : {QRect(0, 0, 1280, 800), QRect(0, 0, 1366, 768), QRect(0, 32, 1366, 700)}) {
            window.resize(1400, 900);
            lblab::ui::ScreenFit::fit(&window, screen); // what showing it on that screen does
            lblab::test::pumpEvents(30);
            const std::string where = std::to_string(screen.width()) + "x" + std::to_string(screen.height()) + " at " +
                std::to_string(static_cast<int>(points)) + " pt";
            EXPECT_EQ(window.size(),
                      QSize(1400, 900).boundedTo(screen.size().shrunkBy(lblab::ui::ScreenFit::decoration(&window))))
                << where;
            QList<const QWidget*> parts{window.assignmentMap(), window.eventLog(), window.loadCharts(), window.timeline()};
            for (const QPushButton* b : window.centralWidget()->findChildren<QPushButton*>(Qt::FindDirectChildrenOnly))
                parts << b;
            for (const QComboBox* b : window.centralWidget()->findChildren<QComboBox*>(Qt::FindDirectChildrenOnly))
                parts << b;
            for (const QLabel* l : window.centralWidget()->findChildren<QLabel*>(Qt::FindDirectChildrenOnly))
                if (l->isVisible())
                    parts << l;
            EXPECT_GE(parts.size(), 8) << "map, log, charts, timeline, play, speed, time, totals";
            for (const QWidget* part : parts) {
                const QRect r(part->mapTo(&window, QPoint(0, 0)), part->size());
                EXPECT_TRUE(part->isVisible() && window.rect().contains(r)) << where << ": " << part->metaObject()->className();
                if (const auto* l = qobject_cast<const QLabel*>(part); l && !l->wordWrap())
                    EXPECT_GE(l->width(), l->sizeHint().width()) << where << ": " << l->text().toStdString();
            }
            EXPECT_GE(window.timeline()->width(), 400) << where << ": room to point at a moment";
            EXPECT_GE(window.eventLog()->width() * 5,
                      (window.eventLog()->width() + window.assignmentMap()->width()) * 2 - 40)
                << where << ": the log gets its two fifths of the width beside the map";
            EXPECT_EQ(window.assignmentMap()->clientsPerTile(), 1) << where;
            for (int i = 0; i < 5; ++i)
                EXPECT_GE(window.loadCharts()->shownTitleFont(i).pointSizeF(), 8.0) << where << ": chart " << i;
            window.grab().save(QString(LBLAB_TEST_OUTPUT_DIR) + "/replay_" + QString::number(screen.height()) + "_" +
                               QString::number(static_cast<int>(points)) + "pt.png");
        }
    }
}

TEST_F(ReplayWindowTest, AnUnreadableRunSaysWhy)
{
    const fs::path dir = outputDir("replay-window-broken");
    fs::create_directories(dir);
    fs::copy_file(recordedRun() / "events.csv", dir / "events.csv");
    ReplayWindow window(QString::fromStdString(dir.string()));
    EXPECT_FALSE(window.loaded());
    EXPECT_TRUE(window.error().contains(QStringLiteral("servers.csv"))) << window.error().toStdString();
    EXPECT_EQ(window.assignmentMap(), nullptr);
    window.setTimeUs(1000); // harmless
    window.play();
    EXPECT_FALSE(window.playing());
    window.grab();
}

} // namespace
