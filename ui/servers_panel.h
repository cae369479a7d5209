#pragma once

#include "core/lab/snapshot.h"

#include <QString>
#include <QWidget>

#include <vector>

class QPushButton;
class QVBoxLayout;

namespace lblab::ui {

class ServerCard;
class StoreCard;

/// Where the sessions live (a StoreCard, for a shared store or a signed cookie) above the backends as
/// cards (one per backend not removed), with "Add server" under the last one. Sessions on each server
/// need no card of their own: the server cards count them.
class ServersPanel : public QWidget {
    Q_OBJECT
public:
    /// An empty panel.
    explicit ServersPanel(QWidget* parent = nullptr);

    /// Cards shown (backends not removed).
    int cardCount() const;
    /// The card of backend `name`, or nullptr (also for removed backends).
    ServerCard* card(const QString& name) const;
    /// Height the panel needs to show `cards` server cards whole, with the "Add server" button unless
    /// `withAdd` is false, when it is `width` pixels wide; with the store card at its tallest when the
    /// sessions live in `store` (none for sessions on each server).
    int heightFor(int cards, int width, lblab::SessionStoreKind store = lblab::SessionStoreKind::Local,
                  bool withAdd = true) const;
    /// The "Add server" button.
    QPushButton* addButton() const { return m_add; }
    /// The session store's card (hidden while the sessions live on each server).
    StoreCard* storeCard() const { return m_store; }

public slots:
    /// Updates the cards from a snapshot.
    void showSnapshot(const lblab::Snapshot& snapshot);

signals:
    /// Kill backend `name`.
    void killRequested(QString name);
    /// Restart backend `name`.
    void restoreRequested(QString name);
    /// Drain or undrain backend `name`.
    void drainRequested(QString name, bool draining);
    /// Set backend `name`'s weight.
    void weightRequested(QString name, int weight);
    /// Remove backend `name`.
    void removeRequested(QString name);
    /// Add a backend like the others.
    void addRequested();
    /// Kill the shared session store (Redis).
    void storeKillRequested();
    /// Start it again.
    void storeRestoreRequested();
    /// A card corrected a typed number; `message` says what and why.
    void inputCorrected(QString message);

private:
    QPushButton* m_add;
    StoreCard* m_store;
    QVBoxLayout* m_cardsLayout;
    std::vector<ServerCard*> m_cards; ///< by backend index
};

} // namespace lblab::ui
