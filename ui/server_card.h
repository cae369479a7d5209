#pragma once

#include "core/lab/snapshot.h"

#include <QFrame>
#include <QString>

class QLabel;
class QToolButton;


namespace lblab::ui {

class NumberField;

/// One backend as a card in its palette colour: name, state, weight, load, and its commands.
class ServerCard : public QFrame {
    Q_OBJECT
public:
    /// A card for backend `index` (its colour) named `name`.
    ServerCard(int index, const QString& name, QWidget* parent = nullptr);

    /// Updates the texts and buttons from the backend's current view. `keepsSessions` is false when
    /// the sessions live elsewhere (a shared store, a signed cookie): the card then leaves out the
    /// server's session count, which says nothing there.
    void showServer(const lblab::BackendView& server, bool keepsSessions = true);

    /// The backend's name.
    QString name() const { return m_name; }
    /// The backend's index.
    int index() const { return m_index; }
    /// The state badge text ("UP", "DOWN", "KILLED", "DRAINING").
    QString stateText() const;
    /// The statistics line(s).
    QString statsText() const;
    /// Kill or Restore, depending on the state.
    QToolButton* killButton() const { return m_kill; }
    /// Drain or Undrain, depending on the state.
    QToolButton* drainButton() const { return m_drain; }
    /// Removes the backend.
    QToolButton* removeButton() const { return m_remove; }
    /// The weight editor.
    NumberField* weightBox() const { return m_weight; }

signals:
    /// The user asked to kill the backend.
    void killRequested(QString name);
    /// The user asked to restart it.
    void restoreRequested(QString name);
    /// The user asked to drain (true) or undrain (false) it.
    void drainRequested(QString name, bool draining);
    /// The user changed its weight.
    void weightRequested(QString name, int weight);
    /// The user asked to remove it.
    void removeRequested(QString name);
    /// A typed weight was out of range and was corrected; `message` says so.
    void inputCorrected(QString message);

private:
    int m_index;
    QString m_name;
    bool m_killed = false;
    bool m_draining = false;
    QLabel* m_title;
    QLabel* m_state;
    QLabel* m_stats;
    QToolButton* m_kill;
    QToolButton* m_drain;
    QToolButton* m_remove;
    NumberField* m_weight;
};

} // namespace lblab::ui
