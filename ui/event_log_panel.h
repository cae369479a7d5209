#pragma once

#include "core/lab/snapshot.h"

#include <QIcon>
#include <QString>
#include <QWidget>

#include <array>
#include <cstdint>

class QCheckBox;
class QLabel;
class QTreeWidget;

namespace lblab::ui {

/// The lab's event log: servers going down and up, policy switches, IP changes, re-pins, notes.
/// Newest at the bottom, follows new events unless the user scrolled up, filterable by kind.
class EventLogPanel : public QWidget {
    Q_OBJECT
public:
    /// Rows kept at most; the oldest go first.
    static constexpr int kMaxRows = 5000;

    /// An empty log.
    explicit EventLogPanel(QWidget* parent = nullptr);

    /// Shows or hides the events of one kind (the checkboxes toggle groups of kinds).
    void setKindShown(lblab::LabEventKind kind, bool shown);
    /// True when events of `kind` are shown.
    bool kindShown(lblab::LabEventKind kind) const;
    /// Rows held, shown or not.
    int rowCount() const;
    /// Rows not hidden by the kind filter.
    int visibleRowCount() const;
    /// Text of a cell: column 0 time, 1 kind, 2 subject, 3 detail.
    QString cellText(int row, int column) const;
    /// True when the view follows new events (the user has not scrolled up).
    bool followsNewest() const;
    /// The view (tests scroll it like a user would).
    QTreeWidget* view() const { return m_tree; }

    /// "mm:ss.s" for a time since run start.
    static QString formatTime(std::int64_t us);
    /// A readable label of a kind, e.g. "server down".
    static QString kindLabel(lblab::LabEventKind kind);
    /// The colour that marks a kind (red down, green up, blue policy, ...).
    static QColor kindColour(lblab::LabEventKind kind);

public slots:
    /// Appends the snapshot's events that are newer than those already shown.
    void showSnapshot(const lblab::Snapshot& snapshot);

private:
    static constexpr std::size_t kKindCount = static_cast<std::size_t>(lblab::LabEventKind::AffinityBroken) + 1;

    void clearLog();
    void applyFilter();
    QIcon iconFor(lblab::LabEventKind kind);

    QTreeWidget* m_tree = nullptr;
    QLabel* m_count = nullptr;
    std::array<bool, kKindCount> m_shown{};
    std::array<QIcon, kKindCount> m_icons{};
    std::int64_t m_lastUs = -1;      ///< time of the newest event shown
    std::size_t m_countAtLast = 0;   ///< events shown with exactly that time
};

} // namespace lblab::ui
