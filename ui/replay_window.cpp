#include "ui/replay_window.h"

#include "ui/assignment_map.h"
#include "ui/event_log_panel.h"
#include "ui/load_charts.h"
#include "ui/screen_fit.h"
#include "ui/ui_text.h"

#include <QComboBox>
#include <QDir>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QProxyStyle>
#include <QPushButton>
#include <QShortcut>
#include <QShowEvent>
#include <QSlider>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <stdexcept>
#include <utility>

namespace lblab::ui {

namespace {

// Playback steps about 30 times a second, like the live window's snapshots.
constexpr int kStepMs = 33;
// The speeds offered, slowest first.
constexpr double kSpeeds[] = {0.25, 0.5, 1, 2, 4};

// A click on a slider's track jumps there: the class points at a moment ("when s2 died") and
// expects to see it, not a one-second step toward it. The style asks nothing else of the platform's.
class JumpOnClickStyle : public QProxyStyle {
public:
    using QProxyStyle::QProxyStyle;
    int styleHint(StyleHint hint, const QStyleOption* option, const QWidget* widget,
                  QStyleHintReturn* returnData) const override
    {
        if (hint == QStyle::SH_Slider_AbsoluteSetButtons)
            return Qt::LeftButton;
        return QProxyStyle::styleHint(hint, option, widget, returnData);
    }
};


} // namespace

ReplayWindow::ReplayWindow(const QString& runDirectory, QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Replay — %1").arg(QDir(runDirectory).dirName()));
    try {
        m_replay = RunReplay::load(std::filesystem::path(runDirectory.toStdString()));
    } catch (const std::exception& e) {
        m_error = tr("Cannot open the recorded run in %1: %2").arg(runDirectory, QString::fromStdString(e.what()));
    }
    if (m_replay)
        build();
    else
        buildError();
}

ReplayWindow::ReplayWindow(RunReplay replay, QWidget* parent) : QMainWindow(parent), m_replay(std::move(replay))
{
    // QDir names "runs/a/" as "a", where std::filesystem's filename() is empty.
    setWindowTitle(tr("Replay — %1").arg(QDir(QString::fromStdString(m_replay->directory().string())).dirName()));
    build();
}

void ReplayWindow::buildError()
{
    auto* label = new QLabel(m_error, this);
    label->setWordWrap(true);
    label->setAlignment(Qt::AlignCenter);
    label->setMargin(24);
    setCentralWidget(label);
    resize(560, 200);
}

void ReplayWindow::build()
{
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);

    m_notes = new QLabel(central);
    m_notes->setWordWrap(true);
    m_notes->setStyleSheet(QStringLiteral(
        "QLabel { background: #fff4c2; color: #4a3b00; border: 1px solid #e0c860; padding: 6px; }"));
    QStringList notes;
    for (const auto& n : m_replay->notes())
        notes << QString::fromStdString(n);
    m_notes->setText(notes.join(QLatin1Char('\n')));
    m_notes->setVisible(!notes.isEmpty());
    layout->addWidget(m_notes);

    auto* split = new QSplitter(Qt::Horizontal, central);
    m_map = new AssignmentMap(split);
    m_log = new EventLogPanel(split);
    split->addWidget(m_map);
    split->addWidget(m_log);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    // The same 3:2 from the start: left to the map's size hint, the log got a sixth of a 1280 px
    // screen and showed only its time and kind columns.
    split->setSizes({3000, 2000});
    auto* vertical = new QSplitter(Qt::Vertical, central);
    vertical->addWidget(split);
    m_charts = new LoadCharts(vertical);
    vertical->addWidget(m_charts);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 2);
    layout->addWidget(vertical, 1);

    auto* bar = new QHBoxLayout;
    m_play = new QPushButton(central);
    m_play->setToolTip(tr("Play or pause the recording (Space)"));
    connect(m_play, &QPushButton::clicked, this, &ReplayWindow::togglePlay);
    bar->addWidget(m_play);
    m_speedBox = new QComboBox(central);
    for (const double speed : kSpeeds)
        m_speedBox->addItem(QString::number(speed) + QStringLiteral("×"), speed);
    m_speedBox->setCurrentIndex(m_speedBox->findData(1.0));
    m_speedBox->setToolTip(tr("Playback speed"));
    connect(m_speedBox, &QComboBox::currentIndexChanged, this,
            [this](int index) { m_speed = m_speedBox->itemData(index).toDouble(); });
    bar->addWidget(m_speedBox);
    m_slider = new QSlider(Qt::Horizontal, central);
    // A fresh instance of the slider's own style by name: a proxy owns its base, and the
    // application's style must not be handed over.
    auto* jumpStyle = new JumpOnClickStyle(m_slider->style()->name());
    jumpStyle->setParent(m_slider);
    m_slider->setStyle(jumpStyle);
    m_slider->setRange(0, static_cast<int>(std::min<std::int64_t>(m_replay->durationUs() / 1000, INT32_MAX)));
    m_slider->setSingleStep(100);
    m_slider->setPageStep(1000);
    m_slider->setToolTip(tr("Click or drag to see the run as it was at that time"));
    connect(m_slider, &QSlider::valueChanged, this, [this](int ms) {
        if (!m_updatingSlider)
            showAt(static_cast<std::int64_t>(ms) * 1000);
    });
    bar->addWidget(m_slider, 1);
    m_time = new QLabel(central);
    m_time->setMinimumWidth(m_time->fontMetrics().horizontalAdvance(QStringLiteral("00000.0 s / 00000.0 s")));
    bar->addWidget(m_time);
    layout->addLayout(bar);
    m_totals = new QLabel(central);
    layout->addWidget(m_totals);

    setCentralWidget(central);

    m_timer = new QTimer(this);
    m_timer->setInterval(kStepMs);
    connect(m_timer, &QTimer::timeout, this, &ReplayWindow::advance);
    auto* space = new QShortcut(QKeySequence(Qt::Key_Space), this);
    connect(space, &QShortcut::activated, this, &ReplayWindow::togglePlay);

    // The whole run on the time axis when it fits (short teaching runs fill the charts); long runs
    // scroll like the live window, over the history a snapshot keeps.
    const double runSeconds = std::ceil(static_cast<double>(m_replay->durationUs()) / 1e6);
    m_charts->setWindowSeconds(std::clamp(runSeconds, 5.0, 600.0));

    resize(1200, 800);
    updatePlayButton();
    showAt(0);
}

void ReplayWindow::showEvent(QShowEvent* event)
{
    // Whatever size it was given (1200x800 here, 1400x900 by the lab's File menu), a projector's
    // 1280x800 or 1366x768 screen shows all of it: the play bar is at the bottom.
    if (!event->spontaneous())
        ScreenFit::fitToScreen(this);
    QMainWindow::showEvent(event);
}

void ReplayWindow::setTimeUs(std::int64_t tUs)
{
    if (m_replay)
        showAt(tUs);
}

bool ReplayWindow::playing() const { return m_timer && m_timer->isActive(); }

void ReplayWindow::setSpeed(double factor)
{
    // Nearest by ratio, as speeds are felt: 3x is nearer 4x (4/3) than 2x (3/2); a tie goes faster.
    const double wanted = factor > 0 ? std::log2(factor) : -100.0;
    std::size_t best = 0;
    for (std::size_t i = 1; i < std::size(kSpeeds); ++i)
        if (std::abs(std::log2(kSpeeds[i]) - wanted) <= std::abs(std::log2(kSpeeds[best]) - wanted))
            best = i;
    if (m_speedBox)
        m_speedBox->setCurrentIndex(static_cast<int>(best)); // sets m_speed through the signal
    m_speed = kSpeeds[best];
}

QString ReplayWindow::timeText() const { return m_time ? m_time->text() : QString(); }

QString ReplayWindow::notesText() const { return m_notes ? m_notes->text() : QString(); }

void ReplayWindow::play()
{
    if (!m_replay || playing())
        return;
    if (m_tUs >= m_replay->durationUs())
        showAt(0);
    m_wall.start();
    m_timer->start();
    updatePlayButton();
}

void ReplayWindow::pause()
{
    if (!m_timer)
        return;
    m_timer->stop();
    updatePlayButton();
}

void ReplayWindow::togglePlay()
{
    if (playing())
        pause();
    else
        play();
}

void ReplayWindow::advance()
{
    // Wall time, not timer ticks: a loaded machine delivers ticks late, the recording keeps its pace.
    advanceBy(m_wall.isValid() ? m_wall.restart() * 1000 : kStepMs * 1000);
}

void ReplayWindow::advanceBy(std::int64_t wallUs)
{
    if (!m_replay)
        return;
    const std::int64_t next = m_tUs + std::llround(static_cast<double>(std::max<std::int64_t>(0, wallUs)) * m_speed);
    showAt(next);
    if (next >= m_replay->durationUs())
        pause();
}

void ReplayWindow::showAt(std::int64_t tUs)
{
    m_tUs = std::clamp<std::int64_t>(tUs, 0, m_replay->durationUs());
    const Snapshot s = m_replay->at(m_tUs);
    m_map->showSnapshot(s);
    m_charts->showSnapshot(s);
    m_log->showSnapshot(s);

    m_updatingSlider = true;
    m_slider->setValue(static_cast<int>(std::min<std::int64_t>(m_tUs / 1000, INT32_MAX)));
    m_updatingSlider = false;
    m_time->setText(secondsText(m_tUs) + QStringLiteral(" / ") + secondsText(m_replay->durationUs()));
    const double missShare = s.totals.sessionRequests > 0
                                 ? 100.0 * static_cast<double>(s.totals.sessionMisses) /
                                       static_cast<double>(s.totals.sessionRequests)
                                 : 0.0;
    m_totals->setText(tr("Policy %1 · %2 requests · %3 errors · %4 session misses (%5%) · %6 IP changes · %7 affinity breaks")
                          .arg(QString::fromStdString(s.policy))
                          .arg(s.totals.requests)
                          .arg(s.totals.errors)
                          .arg(s.totals.sessionMisses)
                          .arg(missShare, 0, 'f', 1)
                          .arg(s.totals.ipChanges)
                          .arg(s.totals.affinityBreaks));
}

void ReplayWindow::updatePlayButton()
{
    if (m_play)
        m_play->setText(playing() ? tr("Pause") : tr("Play"));
}

} // namespace lblab::ui
