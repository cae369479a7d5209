#include "ui/pin_table_model.h"

#include "ui/backend_palette.h"
#include "ui/ui_text.h"

#include <QColor>

namespace lblab::ui {

namespace {

bool sameRow(const SessionRow& a, const SessionRow& b)
{
    return a.key == b.key && a.backend == b.backend && a.createdUs == b.createdUs && a.lastUsedUs == b.lastUsedUs
        && a.hits == b.hits && a.expiresUs == b.expiresUs;
}


} // namespace

PinTableModel::PinTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

bool PinTableModel::setSnapshot(const Snapshot& snapshot)
{
    bool namesChanged = snapshot.servers.size() != m_backendNames.size();
    for (std::size_t i = 0; !namesChanged && i < snapshot.servers.size(); ++i)
        namesChanged = snapshot.servers[i].name != m_backendNames[i];
    bool rowsChanged = snapshot.table.size() != m_rows.size();
    for (std::size_t i = 0; !rowsChanged && i < m_rows.size(); ++i)
        rowsChanged = !sameRow(snapshot.table[i], m_rows[i]);

    if (rowsChanged || namesChanged) {
        beginResetModel();
        m_rows = snapshot.table;
        m_backendNames.clear();
        for (const BackendView& s : snapshot.servers)
            m_backendNames.push_back(s.name);
        m_tUs = snapshot.tUs;
        endResetModel();
        return true;
    }
    if (snapshot.tUs != m_tUs) {
        m_tUs = snapshot.tUs;
        if (!m_rows.empty())
            emit dataChanged(index(0, Age), index(rowCount() - 1, ExpiresIn), {Qt::DisplayRole, SortRole});
    }
    return false;
}

int PinTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int PinTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString PinTableModel::backendName(int backend) const
{
    if (backend < 0)
        return QStringLiteral("-");
    if (static_cast<std::size_t>(backend) < m_backendNames.size())
        return QString::fromStdString(m_backendNames[static_cast<std::size_t>(backend)]);
    return QStringLiteral("s%1").arg(backend + 1);
}

QString PinTableModel::keyAt(int row) const
{
    if (row < 0 || row >= rowCount())
        return {};
    return QString::fromStdString(m_rows[static_cast<std::size_t>(row)].key);
}

QVariant PinTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const SessionRow& row = m_rows[static_cast<std::size_t>(index.row())];
    const double age = toSeconds(m_tUs - row.createdUs);
    const double idle = toSeconds(m_tUs - row.lastUsedUs);
    const double expiresIn = row.expiresUs < 0 ? -1 : toSeconds(row.expiresUs - m_tUs);

    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Key: return QString::fromStdString(row.key);
        case Backend: return backendName(row.backend);
        case Age: return QString::number(std::max(0.0, age), 'f', 1);
        case Idle: return QString::number(std::max(0.0, idle), 'f', 1);
        case Hits: return QString::number(row.hits);
        case ExpiresIn: return row.expiresUs < 0 ? tr("never") : QString::number(std::max(0.0, expiresIn), 'f', 1);
        }
    } else if (role == SortRole) {
        switch (index.column()) {
        case Key: return QString::fromStdString(row.key);
        case Backend: return backendName(row.backend);
        case Age: return age;
        case Idle: return idle;
        case Hits: return static_cast<qulonglong>(row.hits);
        // "never" sorts after every finite expiry.
        case ExpiresIn: return row.expiresUs < 0 ? 1e18 : expiresIn;
        }
    } else if (role == Qt::DecorationRole && index.column() == Backend) {
        return BackendPalette::colourFor(row.backend);
    } else if (role == Qt::TextAlignmentRole && index.column() >= Age) {
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    } else if (role == Qt::ToolTipRole && index.column() == ExpiresIn && row.expiresUs >= 0) {
        return tr("The pin is forgotten if the key is not seen again within this time.");
    }
    return {};
}

QVariant PinTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Key: return tr("Key");
    case Backend: return tr("Backend");
    case Age: return tr("Age (s)");
    case Idle: return tr("Idle (s)");
    case Hits: return tr("Hits");
    case ExpiresIn: return tr("Expires in (s)");
    }
    return {};
}

} // namespace lblab::ui
