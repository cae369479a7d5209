#pragma once

#include "core/lab/snapshot.h"

#include <QAbstractTableModel>

#include <cstdint>
#include <string>
#include <vector>

namespace lblab::ui {

/// The policy's session table as a Qt model. It holds one snapshot's rows and swaps them whole.
class PinTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    /// Columns, left to right.
    enum Column { Key, Backend, Age, Idle, Hits, ExpiresIn, ColumnCount };
    /// Role that returns a number (or the plain text) to sort on.
    static constexpr int SortRole = Qt::UserRole + 1;

    /// An empty table.
    explicit PinTableModel(QObject* parent = nullptr);

    /// Takes the snapshot's table. Resets the model only when the rows changed; when only the
    /// clock moved, it signals a change of the time columns instead. Returns true on a reset.
    bool setSnapshot(const Snapshot& snapshot);

    /// Row count of the table held.
    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    /// Always ColumnCount.
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    /// Text, colour swatch, alignment and sort values.
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    /// Column titles.
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// The session key of `row`.
    QString keyAt(int row) const;
    /// The backend's display name of a backend index ("-" for none).
    QString backendName(int backend) const;

private:
    std::vector<SessionRow> m_rows;
    std::vector<std::string> m_backendNames;
    std::int64_t m_tUs = 0;
};

} // namespace lblab::ui
