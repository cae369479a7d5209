#include "ui/pin_table_panel.h"

#include "ui/policy_explanations.h"
#include "ui/pin_table_model.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QScrollBar>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QStyle>
#include <QTableView>
#include <QHBoxLayout>
#include <QVBoxLayout>

namespace lblab::ui {

namespace {

// Matches the filter against the key and the backend only, not the numbers.
class KeyOrBackendFilter : public QSortFilterProxyModel {
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setText(const QString& text)
    {
        if (text == m_text)
            return;
        m_text = text;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override
    {
        const QString& text = m_text;
        if (text.isEmpty())
            return true;
        for (int column : {PinTableModel::Key, PinTableModel::Backend}) {
            const QModelIndex i = sourceModel()->index(sourceRow, column, sourceParent);
            if (i.data(Qt::DisplayRole).toString().contains(text, Qt::CaseInsensitive))
                return true;
        }
        return false;
    }

private:
    QString m_text;
};

} // namespace

PinTablePanel::PinTablePanel(QWidget* parent)
    : QWidget(parent)
{
    m_header = new QLabel(this);
    QFont headerFont; // bold only: the size follows the window's text size
    headerFont.setBold(true);
    m_header->setFont(headerFont);

    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter by key or backend"));
    m_filter->setClearButtonEnabled(true);

    m_model = new PinTableModel(this);
    m_proxy = new KeyOrBackendFilter(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(PinTableModel::SortRole);
    m_proxy->setDynamicSortFilter(true);

    m_view = new QTableView(this);
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(PinTableModel::Idle, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->setVisible(false);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    // Every column as wide as what it shows: a key is what a row is about, so a narrow column
    // (a 1280 px screen) scrolls rather than cuts it ("127.100...."); the last column takes what is left.
    for (int c = PinTableModel::Key; c < PinTableModel::ColumnCount; ++c)
        m_view->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setStretchLastSection(true);

    m_stateless = new QLabel(this);
    m_stateless->setWordWrap(true);
    m_stateless->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_stateless->setMargin(12);

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_view);
    m_stack->addWidget(m_stateless);

    // The count and the filter share one row, so the table's rows get the height.
    auto* top = new QHBoxLayout;
    top->addWidget(m_header, 1);
    top->addWidget(m_filter, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_stack, 1);

    connect(m_filter, &QLineEdit::textChanged, this, &PinTablePanel::setFilterText);
    updateHeader();
}

void PinTablePanel::setFilterText(const QString& text)
{
    if (m_filter->text() != text)
        m_filter->setText(text); // re-enters through textChanged
    static_cast<KeyOrBackendFilter*>(m_proxy)->setText(text.trimmed());
    updateHeader();
}

int PinTablePanel::shownRowCount() const { return m_proxy->rowCount(); }

QString PinTablePanel::headerText() const { return m_header->text(); }

int PinTablePanel::heightForRows(int rows) const
{
    // The count and filter row, the headings, the rows, and a horizontal scroll bar when the column
    // is narrow, as this font makes them.
    const QMargins m = layout()->contentsMargins();
    const int top = std::max(m_header->sizeHint().height(), m_filter->sizeHint().height());
    return m.top() + top + layout()->spacing() + m_view->horizontalHeader()->sizeHint().height() +
           rows * m_view->verticalHeader()->defaultSectionSize() + 2 * m_view->frameWidth() +
           style()->pixelMetric(QStyle::PM_ScrollBarExtent) + m.bottom();
}

bool PinTablePanel::showsStatelessExplanation() const { return m_stack->currentWidget() == m_stateless; }

QString PinTablePanel::statelessText() const { return m_stateless->text(); }

void PinTablePanel::updateHeader()
{
    const QLocale locale(QLocale::English);
    if (showsStatelessExplanation()) {
        m_header->setText(tr("No session table"));
        return;
    }
    m_header->setText(tr("%1 pins in the table (showing %2)")
                          .arg(locale.toString(static_cast<qulonglong>(m_tableSize)),
                               locale.toString(shownRowCount())));
}

void PinTablePanel::showSnapshot(const lblab::Snapshot& snapshot)
{
    const bool stateful = snapshot.policyStateful;
    if (!stateful) {
        if (!showsStatelessExplanation() || snapshot.policy != m_policy) {
            m_policy = snapshot.policy;
            const PolicyExplanation* e = findPolicyExplanation(snapshot.policy);
            const QString name = e ? e->name : QString::fromStdString(snapshot.policy);
            m_stateless->setText(
                tr("<p><b>%1 keeps no session table.</b></p>"
                   "<p>It decides every request from what that request carries (and the servers' current "
                   "state) alone, so there is nothing to remember between requests and nothing to list here. "
                   "Two requests from the same user can go to different servers.</p>"
                   "<p>The policies that keep a table of pins are: %2. Switch to one of them to see the "
                   "table fill up.</p>")
                    .arg(name.toHtmlEscaped(), statefulPolicyNames().join(QStringLiteral(", ")).toHtmlEscaped()));
            m_stack->setCurrentWidget(m_stateless);
            m_refreshedUs = -1;
            m_filter->setHidden(true);
            updateHeader();
        }
        if (m_model->rowCount() > 0)
            m_model->setSnapshot(Snapshot{});
        return;
    }
    if (showsStatelessExplanation()) {
        m_stack->setCurrentWidget(m_view);
        m_filter->setHidden(false);
    }
    // A busy table changes with every request; a few refreshes a second are enough to read it and
    // spare the sort and the selection bookkeeping at 30 frames a second.
    const bool sameTable = snapshot.policy == m_policy && snapshot.tableSize == m_tableSize;
    if (sameTable && m_refreshedUs >= 0 && snapshot.tUs >= m_refreshedUs && snapshot.tUs - m_refreshedUs < kRefreshUs)
        return;
    m_refreshedUs = snapshot.tUs;
    m_policy = snapshot.policy;
    m_tableSize = snapshot.tableSize;

    // A reset forgets the selection and scroll position; keep them by key.
    QSet<QString> selected;
    const QModelIndexList rows = m_view->selectionModel()->selectedRows(PinTableModel::Key);
    for (const QModelIndex& i : rows)
        selected.insert(i.data(Qt::DisplayRole).toString());
    const QString currentKey = m_view->currentIndex().isValid()
        ? m_view->currentIndex().siblingAtColumn(PinTableModel::Key).data().toString()
        : QString();
    const int scroll = m_view->verticalScrollBar()->value();

    if (m_model->setSnapshot(snapshot)) {
        ++m_resets;
        if (!selected.isEmpty() || !currentKey.isEmpty()) {
            QItemSelection selection;
            for (int r = 0; r < m_proxy->rowCount(); ++r) {
                const QModelIndex key = m_proxy->index(r, PinTableModel::Key);
                const QString text = key.data().toString();
                if (selected.contains(text))
                    selection.select(key, m_proxy->index(r, PinTableModel::ColumnCount - 1));
                if (text == currentKey)
                    m_view->selectionModel()->setCurrentIndex(key, QItemSelectionModel::NoUpdate);
            }
            m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
        }
        m_view->verticalScrollBar()->setValue(scroll);
    }
    updateHeader();
}

} // namespace lblab::ui
