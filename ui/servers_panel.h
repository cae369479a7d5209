#pragma once

#include "core/lab/snapshot.h"

#include <QString>
#include <QWidget>

#include <vector>

class QPushButton;
class QVBoxLayout;

namespace lblab::ui {

class ServerCard;

/// The backends as cards (one per backend not removed), with "Add server" on top.
class ServersPanel : public QWidget {
    Q_OBJECT
public:
    /// An empty panel.
    explicit ServersPanel(QWidget* parent = nullptr);

    /// Cards shown (backends not removed).
    int cardCount() const;
    /// The card of backend `name`, or nullptr (also for removed backends).
    ServerCard* card(const QString& name) const;
    /// Height the panel needs to show `cards` server cards whole, with the "Add server" button, when it
    /// is `width` pixels wide.
    int heightFor(int cards, int width) const;
    /// The "Add server" button.
    QPushButton* addButton() const { return m_add; }

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
    /// A card corrected a typed number; `message` says what and why.
    void inputCorrected(QString message);

private:
    QPushButton* m_add;
    QVBoxLayout* m_cardsLayout;
    std::vector<ServerCard*> m_cards; ///< by backend index
};

} // namespace lblab::ui
