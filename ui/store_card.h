#pragma once

#include "core/store/store_view.h"

#include <QFrame>
#include <QString>

class QLabel;
class QToolButton;

namespace lblab::ui {

/// Where the sessions live, as a card above the server cards: for a shared Redis its state (up,
/// killed, not answering), its load, the latency it adds, its keys and errors, with Kill and Restore;
/// for signed cookies the signing time, the cookie's bytes per request and the tokens refused; for
/// sessions on each server one line saying what that means when a server dies.
class StoreCard : public QFrame {
    Q_OBJECT
public:
    /// A card for sessions kept on each server (until showStore says otherwise).
    explicit StoreCard(QWidget* parent = nullptr);

    /// Updates the texts and buttons from the store's current view.
    void showStore(const lblab::StoreView& store);

    /// The store the card shows.
    lblab::SessionStoreKind kind() const { return m_kind; }
    /// The title ("Session store: Redis", "Session store: signed cookie", "Sessions: on each server").
    QString titleText() const;
    /// The state badge ("UP", "KILLED", "NOT ANSWERING"; "" when the store is not a process).
    QString stateText() const;
    /// The line under the title: what the state means ("killed: every session lost", ...).
    QString statusText() const;
    /// The figures line ("" for sessions on each server).
    QString statsText() const;
    /// Kills Redis (enabled for a shared store that runs).
    QToolButton* killButton() const { return m_kill; }
    /// Starts Redis again, empty (enabled once it was killed).
    QToolButton* restoreButton() const { return m_restore; }

    /// A latency of `us` microseconds as the card shows it: "84 µs" below a millisecond, else "1.25 ms".
    static QString latencyText(std::uint32_t us);

signals:
    /// The user asked to kill the shared store.
    void killRequested();
    /// The user asked to start it again.
    void restoreRequested();

private:
    void setBadge(const QString& text, const QString& colour);
    void setStatus(const QString& text, const QString& colour, bool bold);
    void setStats(const QString& text);

    lblab::SessionStoreKind m_kind = lblab::SessionStoreKind::Local;
    QLabel* m_title;
    QLabel* m_state;
    QLabel* m_status;
    QLabel* m_stats;
    QToolButton* m_kill;
    QToolButton* m_restore;
};

} // namespace lblab::ui
