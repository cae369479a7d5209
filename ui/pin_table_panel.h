#pragma once

#include "core/lab/snapshot.h"

#include <QWidget>

#include <cstdint>
#include <string>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;

namespace lblab::ui {

class PinTableModel;

/// The policy's session table (key -> backend, age, idle, hits, expiry), sortable and filterable;
/// for a stateless policy, an explanation of why there is no table.
class PinTablePanel : public QWidget {
    Q_OBJECT
public:
    /// An empty panel.
    explicit PinTablePanel(QWidget* parent = nullptr);

    /// Filters rows whose key or backend contains `text` (case-insensitive), as the filter box does.
    void setFilterText(const QString& text);
    /// Rows shown after filtering.
    int shownRowCount() const;
    /// The line above the table, e.g. "120 pins in the table (showing 40)".
    QString headerText() const;
    /// True when the stateless explanation replaces the table.
    bool showsStatelessExplanation() const;
    /// The explanation shown for a stateless policy.
    QString statelessText() const;
    /// The view, for sorting and selection (tests, MainWindow shortcuts).
    QTableView* view() const { return m_view; }
    /// The sorted, filtered model the view shows.
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    /// Height the panel needs to show `rows` rows of the table whole (with its count, filter and headings).
    int heightForRows(int rows) const;
    /// Times the model was reset (it is reset only when the rows changed).
    int resetCount() const { return m_resets; }

public slots:
    /// Shows the snapshot's table, or the explanation when its policy keeps none.
    void showSnapshot(const lblab::Snapshot& snapshot);

private:
    void updateHeader();

    QLabel* m_header = nullptr;
    QLineEdit* m_filter = nullptr;
    QStackedWidget* m_stack = nullptr;
    QTableView* m_view = nullptr;
    QLabel* m_stateless = nullptr;
    PinTableModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    std::size_t m_tableSize = 0;
    std::string m_policy;
    int m_resets = 0;
    std::int64_t m_refreshedUs = -1;              ///< snapshot time of the last refresh
    static constexpr std::int64_t kRefreshUs = 250'000; ///< refresh at most 4 times a second
};

} // namespace lblab::ui
