#pragma once

#include "core/lab/snapshot.h"

#include <QWidget>

class QComboBox;
class QPushButton;

namespace lblab::ui {

/// Slow motion and single steps, beside the run buttons: a speed (1/10, 1/4, 1/2, 1×) that slows the
/// generated users and the flow view's drawing together, Step (N) that lets exactly one request
/// through, and Run (R) that lets them flow again. It only emits; the snapshot says what is in force.
class PaceControls : public QWidget {
    Q_OBJECT
public:
    /// The controls, at full speed; installs N and R on the window.
    explicit PaceControls(QWidget* parent = nullptr);

    /// The speed the picker shows (0.1 .. 1).
    double speed() const;
    /// Picks a speed as the user would (the nearest offered one) and asks for it.
    void chooseSpeed(double factor);

    /// Widgets, for tests.
    QComboBox* speedCombo() const { return m_speed; }
    QPushButton* stepButton() const { return m_step; }
    QPushButton* runButton() const { return m_run; }

public slots:
    /// Follows the run: the speed in force, step mode, whether anything runs.
    void showSnapshot(const lblab::Snapshot& snapshot);

signals:
    /// Slow the generated users (and the drawing) to `factor` of their pace.
    void speedChosen(double factor);
    /// Let exactly one request through (entering step mode if needed).
    void stepRequested();
    /// Leave step mode: requests flow again.
    void runRequested();

private:
    int indexFor(double factor) const; ///< the offered speed nearest `factor`

    QComboBox* m_speed;
    QPushButton* m_step;
    QPushButton* m_run;
    bool m_stepping = false;
};

} // namespace lblab::ui
