#include "ui/outcome_table.h"

#include <QBrush>
#include <QColor>
#include <QHeaderView>
#include <QStringList>

#include <algorithm>
#include <cmath>

namespace lblab::ui {

namespace {

// Measures where fewer is better: their difference is coloured (green when B is lower).
const QStringList kFixedRows = {
    QStringLiteral("requests"),        QStringLiteral("errors"),          QStringLiteral("session requests"),
    QStringLiteral("session misses"),  QStringLiteral("miss rate"),       QStringLiteral("IP changes"),
    QStringLiteral("affinity breaks"), QStringLiteral("re-pins"),         QStringLiteral("remapped clients"),
    QStringLiteral("table size"),      QStringLiteral("Jain fairness"),   QStringLiteral("max/mean"),
};
const QStringList kLowerIsBetter = {
    QStringLiteral("errors"), QStringLiteral("session misses"), QStringLiteral("miss rate"),
    QStringLiteral("affinity breaks"), QStringLiteral("max/mean"),
};

QString signedText(double v, int decimals, const QString& unit = {})
{
    const QString text = QString::number(v, 'f', decimals);
    // "-0.0" and "0.000" read as no difference.
    if (std::abs(v) < 0.5 * std::pow(10.0, -decimals))
        return QStringLiteral("0") + unit;
    return (v > 0 ? QStringLiteral("+") : QString()) + text + unit;
}

double missRate(const RunSummary& s)
{
    return s.totals.sessionRequests
        ? static_cast<double>(s.totals.sessionMisses) / static_cast<double>(s.totals.sessionRequests)
        : 0.0;
}

const RunSummary::Server* serverNamed(const RunSummary& s, const std::string& name)
{
    for (const auto& server : s.servers)
        if (server.name == name)
            return &server;
    return nullptr;
}

} // namespace

OutcomeTable::OutcomeTable(QWidget* parent) : QTableWidget(parent)
{
    setColumnCount(3);
    setRowCount(static_cast<int>(kFixedRows.size()));
    setVerticalHeaderLabels(kFixedRows);
    setPolicies(QStringLiteral("A"), QStringLiteral("B"));
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionMode(QAbstractItemView::NoSelection);
    setFocusPolicy(Qt::NoFocus);
    setAlternatingRowColors(true);
    horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    for (int r = 0; r < rowCount(); ++r)
        for (int c = 0; c < columnCount(); ++c)
            setCell(r, c, QStringLiteral("–"));
}

void OutcomeTable::setPolicies(const QString& policyA, const QString& policyB)
{
    m_policyA = policyA;
    m_policyB = policyB;
    setHorizontalHeaderLabels({tr("A: %1").arg(policyA), tr("B: %1").arg(policyB), tr("B − A")});
}

RunSummary OutcomeTable::summaryOf(const Snapshot& snapshot)
{
    std::vector<BackendRunStats> stats;
    std::vector<BackendGauge> gauges;
    stats.reserve(snapshot.servers.size());
    gauges.reserve(snapshot.servers.size());
    for (const BackendView& v : snapshot.servers) {
        stats.push_back({v.name, v.requests, v.p50Us, v.p99Us, v.errors, v.sessionMisses});
        gauges.push_back({v.name, v.region, v.weight, v.state, v.active, v.sessions});
    }
    return RunSummary::make(snapshot.preset, snapshot.policy, static_cast<double>(snapshot.tUs) / 1e6, 0,
                            snapshot.totals, stats, gauges, snapshot.tableSize);
}

int OutcomeTable::rowOf(const QString& label) const
{
    for (int r = 0; r < rowCount(); ++r) {
        const QTableWidgetItem* header = verticalHeaderItem(r);
        if (header && header->text() == label)
            return r;
    }
    return -1;
}

QString OutcomeTable::cellText(const QString& label, Column column) const
{
    const int r = rowOf(label);
    const QTableWidgetItem* cell = r >= 0 ? item(r, column) : nullptr;
    return cell ? cell->text() : QString();
}

void OutcomeTable::setCell(int row, int column, const QString& text)
{
    QTableWidgetItem* cell = item(row, column);
    if (!cell) {
        cell = new QTableWidgetItem;
        cell->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        setItem(row, column, cell);
    }
    if (cell->text() != text)
        cell->setText(text);
}

void OutcomeTable::showSnapshots(const Snapshot* a, const Snapshot* b)
{
    const RunSummary sa = a ? summaryOf(*a) : RunSummary{};
    const RunSummary sb = b ? summaryOf(*b) : RunSummary{};
    const QString none = QStringLiteral("–");

    struct Row {
        QString label, a, b, difference;
        double sign = 0; ///< B − A, for colouring
    };
    std::vector<Row> rows;
    auto count = [&](const QString& label, std::uint64_t x, std::uint64_t y) {
        const double d = static_cast<double>(y) - static_cast<double>(x);
        rows.push_back({label, QString::number(x), QString::number(y), signedText(d, 0), d});
    };
    auto ratio = [&](const QString& label, double x, double y, int decimals) {
        rows.push_back({label, QString::number(x, 'f', decimals), QString::number(y, 'f', decimals),
                        signedText(y - x, decimals), y - x});
    };
    count(kFixedRows[0], sa.totals.requests, sb.totals.requests);
    count(kFixedRows[1], sa.totals.errors, sb.totals.errors);
    count(kFixedRows[2], sa.totals.sessionRequests, sb.totals.sessionRequests);
    count(kFixedRows[3], sa.totals.sessionMisses, sb.totals.sessionMisses);
    rows.push_back({kFixedRows[4], QString::number(100 * missRate(sa), 'f', 1) + " %",
                    QString::number(100 * missRate(sb), 'f', 1) + " %",
                    signedText(100 * (missRate(sb) - missRate(sa)), 1, QStringLiteral(" pt")),
                    missRate(sb) - missRate(sa)});
    count(kFixedRows[5], sa.totals.ipChanges, sb.totals.ipChanges);
    count(kFixedRows[6], sa.totals.affinityBreaks, sb.totals.affinityBreaks);
    count(kFixedRows[7], sa.totals.repins, sb.totals.repins);
    count(kFixedRows[8], sa.totals.remappedClients, sb.totals.remappedClients);
    count(kFixedRows[9], sa.tableSize, sb.tableSize);
    ratio(kFixedRows[10], sa.jain, sb.jain, 3);
    ratio(kFixedRows[11], sa.maxOverMean, sb.maxOverMean, 2);

    // Both labs run the same workload, so they have the same servers; list A's, then any extra.
    std::vector<std::string> names;
    for (const RunSummary* s : {&sa, &sb})
        for (const auto& server : s->servers)
            if (std::find(names.begin(), names.end(), server.name) == names.end())
                names.push_back(server.name);
    for (const std::string& name : names) {
        const auto* x = serverNamed(sa, name);
        const auto* y = serverNamed(sb, name);
        const std::uint64_t xr = x ? x->requests : 0, yr = y ? y->requests : 0;
        const double d = static_cast<double>(yr) - static_cast<double>(xr);
        rows.push_back({QString::fromStdString(name) + tr(" requests"),
                        tr("%1 (%2 %)").arg(xr).arg(100 * (x ? x->share : 0.0), 0, 'f', 1),
                        tr("%1 (%2 %)").arg(yr).arg(100 * (y ? y->share : 0.0), 0, 'f', 1), signedText(d, 0), d});
    }

    if (rowCount() != static_cast<int>(rows.size())) {
        setRowCount(static_cast<int>(rows.size()));
        QStringList labels;
        for (const Row& r : rows)
            labels << r.label;
        setVerticalHeaderLabels(labels);
    }
    for (int i = 0; i < static_cast<int>(rows.size()); ++i) {
        const Row& r = rows[static_cast<std::size_t>(i)];
        QTableWidgetItem* header = verticalHeaderItem(i);
        if (!header || header->text() != r.label)
            setVerticalHeaderItem(i, new QTableWidgetItem(r.label));
        setCell(i, ColumnA, a ? r.a : none);
        setCell(i, ColumnB, b ? r.b : none);
        setCell(i, ColumnDifference, a && b ? r.difference : none);
        QTableWidgetItem* diff = item(i, ColumnDifference);
        if (a && b && kLowerIsBetter.contains(r.label) && r.sign != 0)
            diff->setForeground(QBrush(r.sign < 0 ? QColor(0x1b, 0x7a, 0x2e) : QColor(0xb0, 0x20, 0x20)));
        else
            diff->setData(Qt::ForegroundRole, QVariant()); // the palette's text colour
    }
}

} // namespace lblab::ui
