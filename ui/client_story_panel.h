#pragma once

#include "core/lab/snapshot.h"

#include <QColor>
#include <QIcon>
#include <QString>
#include <QWidget>

#include <cstdint>
#include <vector>

class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace lblab::ui {

/// The story of the client the user follows (Snapshot::story): every address it had, every server it
/// went to, why, and what that meant for its session, oldest first. A header sums it up. Cheap to
/// call every frame: the table changes only when the story did, and only the rows that changed.
/// It does not talk to the Lab: the window follows the client the map emits in clientSelected().
class ClientStoryPanel : public QWidget {
    Q_OBJECT
public:
    /// The table's columns.
    /// Columns, the most telling first, so a narrow panel still shows where and why.
    enum Column { Time, Server, Why, Session, What, Address, Status, Reason, ColumnCount };
    /// Rows shown at most (the newest); the core bounds the story too.
    static constexpr int kMaxRows = 2000;

    /// An empty panel that asks the user to click a tile.
    explicit ClientStoryPanel(QWidget* parent = nullptr);

    /// Rows in the table.
    int rowCount() const;
    /// Text of a cell (see Column), "" out of range.
    QString cellText(int row, int column) const;
    /// The line above the table: who, which group, which address, how many addresses, servers, misses.
    QString headerText() const;
    /// The line under the table: the selected step's reason with its inputs (the newest request's
    /// when no row is selected), e.g. "Why: table: 127.0.3.17 pinned to s2 4.2 s ago -> s2".
    QString reasonText() const;
    /// True when the view follows new rows (the user has not scrolled up).
    bool followsNewest() const;
    /// How many times the table was changed (an unchanged story must not change it).
    std::uint64_t refreshCount() const { return m_refreshes; }
    /// The view (tests scroll it like a user would).
    QTreeWidget* view() const { return m_tree; }

    /// "12.3" (seconds since run start, one decimal).
    static QString formatSeconds(std::int64_t us);
    /// The colour of a signed cookie the server refused ("invalid"); a lost session is the miss red.
    static QColor invalidColour();

public slots:
    /// Shows the snapshot's story if it changed since the last call.
    void showSnapshot(const lblab::Snapshot& snapshot);

private:
    /// What identifies a story's state without comparing every entry.
    struct Signature {
        std::string clientId;
        std::size_t entries = 0;
        std::uint64_t dropped = 0;
        StoryEntry last;
        bool operator==(const Signature& other) const;
    };

    static Signature signatureOf(const ClientStory& story);
    void rebuild(const Snapshot& snapshot, std::size_t offset);
    void fillRow(QTreeWidgetItem* item, const StoryEntry& entry, const Snapshot& snapshot);
    void updateHeader(const Snapshot& snapshot);
    void updateReason();
    QIcon swatch(int backend);

    QLabel* m_header = nullptr;
    QTreeWidget* m_tree = nullptr;
    QLabel* m_reason = nullptr;       ///< the selected (or newest) step's reason, whole
    Signature m_shown;
    bool m_hasShown = false;
    std::uint64_t m_firstShown = 0;   ///< story index (counting dropped entries) of the first row
    std::uint64_t m_refreshes = 0;
    int m_clientIndex = -1;           ///< where the followed client was in Snapshot::clients
    std::vector<QIcon> m_swatches;    ///< by backend index (bounded by the servers the lab has)
};

} // namespace lblab::ui
