#pragma once

#include "core/lab/run_summary.h"
#include "core/lab/snapshot.h"

#include <QString>
#include <QTableWidget>

namespace lblab::ui {

/// Two runs' measured outcomes side by side (A, B and B − A), one row per measure and one per
/// server's requests; the compare window feeds it both labs' latest snapshots every frame.
class OutcomeTable : public QTableWidget {
    Q_OBJECT
public:
    /// Column of run A, run B and their difference.
    enum Column { ColumnA = 0, ColumnB = 1, ColumnDifference = 2 };

    /// An empty table with the fixed measure rows.
    explicit OutcomeTable(QWidget* parent = nullptr);

    /// Heads the A and B columns with the policies' names.
    void setPolicies(const QString& policyA, const QString& policyB);
    /// Shows the two runs' outcomes; a null snapshot shows as "–" (that lab has not published yet).
    void showSnapshots(const lblab::Snapshot* a, const lblab::Snapshot* b);

    /// The summary a snapshot amounts to (fairness over the servers not removed).
    static lblab::RunSummary summaryOf(const lblab::Snapshot& snapshot);
    /// Row of the measure labelled `label` ("session misses", "s1 requests"), or -1.
    int rowOf(const QString& label) const;
    /// Text of the cell of measure `label` in `column`, "" when there is no such row.
    QString cellText(const QString& label, Column column) const;

private:
    void setCell(int row, int column, const QString& text);

    QString m_policyA;
    QString m_policyB;
};

} // namespace lblab::ui
