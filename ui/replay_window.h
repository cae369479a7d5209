#pragma once

#include "core/record/run_replay.h"

#include <QElapsedTimer>
#include <QMainWindow>
#include <QString>

#include <cstdint>
#include <optional>

class QComboBox;
class QLabel;
class QPushButton;
class QSlider;
class QTimer;

namespace lblab::ui {

class AssignmentMap;
class EventLogPanel;
class LoadCharts;

/// A recorded run (an export folder) on a timeline: the map, the charts and the event log as they
/// were at the slider's time, with play/pause at 0.25x to 4x. A click on the slider's track jumps
/// there. Notes about what an older export lacks are shown in a banner above. It opens at 1200x800
/// (560x200 when it says why a run cannot be read), or any size its opener sets, bounded by the room
/// its screen has (ScreenFit).
class ReplayWindow : public QMainWindow {
    Q_OBJECT
public:
    /// Opens the run in `runDirectory`; if it cannot be read, the window says why (see error()).
    explicit ReplayWindow(const QString& runDirectory, QWidget* parent = nullptr);
    /// Shows an already loaded run.
    explicit ReplayWindow(RunReplay replay, QWidget* parent = nullptr);

    /// True when the run was read.
    bool loaded() const { return m_replay.has_value(); }
    /// Why the run could not be read ("" when it was).
    QString error() const { return m_error; }

    /// Time shown, microseconds since run start.
    std::int64_t timeUs() const { return m_tUs; }
    /// Shows the run as it was at `tUs` (clamped to the run) and moves the slider there.
    void setTimeUs(std::int64_t tUs);
    /// True while the timeline plays.
    bool playing() const;
    /// Playback speed factor (0.25, 0.5, 1, 2 or 4).
    double speed() const { return m_speed; }
    /// Sets the playback speed factor (0.25, 0.5, 1, 2 or 4; others go to the nearest, by ratio).
    void setSpeed(double factor);
    /// One playback step: moves the time on by `wallUs` of wall time at the current speed, and stops
    /// playing at the end of the run (the play timer calls it with the time since its last step).
    void advanceBy(std::int64_t wallUs);

    /// The map (for tests and screenshots).
    AssignmentMap* assignmentMap() const { return m_map; }
    /// The charts.
    LoadCharts* loadCharts() const { return m_charts; }
    /// The event log.
    EventLogPanel* eventLog() const { return m_log; }
    /// The timeline slider (milliseconds).
    QSlider* timeline() const { return m_slider; }
    /// The time label's text, e.g. "12.5 s / 60.0 s".
    QString timeText() const;
    /// The notes banner's text ("" when the export lacked nothing).
    QString notesText() const;

public slots:
    /// Starts playing from the current time (from the start if at the end).
    void play();
    /// Stops playing where it is.
    void pause();
    /// Plays if paused, pauses if playing.
    void togglePlay();

protected:
    /// Bounds the window's size to its screen (see the class comment).
    void showEvent(QShowEvent* event) override;

private:
    void build();
    void buildError();
    void advance();
    void showAt(std::int64_t tUs);
    void updatePlayButton();

    std::optional<RunReplay> m_replay;
    QString m_error;
    std::int64_t m_tUs = 0;
    double m_speed = 1;
    AssignmentMap* m_map = nullptr;
    LoadCharts* m_charts = nullptr;
    EventLogPanel* m_log = nullptr;
    QSlider* m_slider = nullptr;
    QLabel* m_time = nullptr;
    QLabel* m_totals = nullptr;
    QLabel* m_notes = nullptr;
    QPushButton* m_play = nullptr;
    QComboBox* m_speedBox = nullptr;
    QTimer* m_timer = nullptr;
    QElapsedTimer m_wall;          ///< wall time since the last playback step
    bool m_updatingSlider = false; ///< the slider moves because the time changed, not the user
};

} // namespace lblab::ui
