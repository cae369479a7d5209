#pragma once

#include "core/lab/snapshot.h"

#include <QString>
#include <QWidget>

class QLabel;
class QTimer;

namespace lblab::ui {

class ElidedLabel;

/// The window's status bar: a message on the left (an error in red, the balancer's address, a
/// correction), elided so it never runs into the figures; then the run state and time, requests,
/// the session-miss rate since the last change with the whole run's beside it, the clients moved,
/// and the policy. Each part has its own place, so nothing overlaps at any width.
class StatusLine : public QWidget {
    Q_OBJECT
public:
    /// An idle status line.
    explicit StatusLine(QWidget* parent = nullptr);

    /// Shows `text` on the left for `timeoutMs` (0: until replaced); errors are red and stay longer.
    void showMessage(const QString& text, int timeoutMs, bool error = false);
    /// The message shown now ("" when none).
    QString message() const;
    /// The figures as one line ("running 12.0 s | 2400 requests, 0 errors | ...").
    QString figuresText() const;
    /// The session part ("misses since s2 killed 12.0 % ... · whole run 9.8 %").
    QString sessionsText() const;
    /// Label widgets, for layout tests.
    QWidget* messageWidget() const;
    QLabel* runLabel() const { return m_run; }

public slots:
    /// Updates the figures from a snapshot.
    void showSnapshot(const lblab::Snapshot& snapshot);

private:
    ElidedLabel* m_message;
    QTimer* m_messageTimer;
    QLabel* m_run;
    ElidedLabel* m_requests;
    ElidedLabel* m_sessions;
    ElidedLabel* m_moves;
    ElidedLabel* m_policy;
};

} // namespace lblab::ui
