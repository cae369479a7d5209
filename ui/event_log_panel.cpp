#include "ui/event_log_panel.h"

#include "ui/backend_palette.h"

#include <QAction>
#include <QMenu>
#include <QToolButton>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QScrollBar>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <initializer_list>
#include <utility>

namespace lblab::ui {

namespace {

using Kind = LabEventKind;

constexpr int kKindRole = Qt::UserRole + 1;

struct KindGroup {
    const char* label;
    std::initializer_list<Kind> kinds;
};

const std::array<KindGroup, 7>& kindGroups()
{
    static const std::array<KindGroup, 7> groups = {{
        {QT_TRANSLATE_NOOP("EventLogPanel", "Servers"),
         {Kind::BackendDown, Kind::BackendUp, Kind::BackendDraining, Kind::BackendAdded, Kind::BackendRemoved,
          Kind::WeightChanged}},
        {QT_TRANSLATE_NOOP("EventLogPanel", "Session store"), {Kind::StoreDown, Kind::StoreUp}},
        {QT_TRANSLATE_NOOP("EventLogPanel", "Policy"), {Kind::PolicySwitched}},
        {QT_TRANSLATE_NOOP("EventLogPanel", "IP changes"), {Kind::IpChanged, Kind::AffinityBroken}},
        {QT_TRANSLATE_NOOP("EventLogPanel", "Re-pins"), {Kind::Repinned}},
        {QT_TRANSLATE_NOOP("EventLogPanel", "Run"),
         {Kind::RunStarted, Kind::RunPaused, Kind::RunResumed, Kind::RunStopped, Kind::RateChanged}},
        {QT_TRANSLATE_NOOP("EventLogPanel", "Notes and errors"), {Kind::Note, Kind::Error}},
    }};
    return groups;
}

std::size_t indexOf(Kind kind) { return static_cast<std::size_t>(kind); }

} // namespace

EventLogPanel::EventLogPanel(QWidget* parent)
    : QWidget(parent)
{
    m_shown.fill(true);

    m_tree = new QTreeWidget(this);
    m_tree->setColumnCount(4);
    m_tree->setHeaderLabels({tr("Time"), tr("Kind"), tr("Subject"), tr("Detail")});
    m_tree->setRootIsDecorated(false);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tree->setWordWrap(false);
    m_tree->setTextElideMode(Qt::ElideRight);
    const QFontMetrics fm(m_tree->font());
    m_tree->header()->setStretchLastSection(true);
    m_tree->header()->resizeSection(0, fm.horizontalAdvance(QStringLiteral("000:00.0")) + 16);
    m_tree->header()->resizeSection(1, fm.horizontalAdvance(QStringLiteral("policy switched")) + 40);
    m_tree->header()->resizeSection(2, fm.horizontalAdvance(QStringLiteral("127.255.255.255")) + 16);

    // One row above the log: the kinds to show are a menu, so the rows of the log get the height.
    auto* show = new QToolButton(this);
    show->setText(tr("Show kinds"));
    show->setToolTip(tr("Which kinds of events the log shows"));
    show->setPopupMode(QToolButton::InstantPopup);
    show->setFocusPolicy(Qt::NoFocus);
    auto* menu = new QMenu(show);
    for (const KindGroup& group : kindGroups()) {
        QAction* action = menu->addAction(iconFor(*group.kinds.begin()), tr(group.label));
        action->setCheckable(true);
        action->setChecked(true);
        const std::vector<Kind> kinds(group.kinds);
        connect(action, &QAction::toggled, this, [this, kinds](bool on) {
            for (Kind k : kinds)
                m_shown[indexOf(k)] = on;
            applyFilter();
        });
    }
    show->setMenu(menu);
    m_count = new QLabel(this);
    auto* filters = new QHBoxLayout;
    filters->addWidget(show);
    filters->addStretch(1);
    filters->addWidget(m_count);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_tree, 1);
}

QString EventLogPanel::formatTime(std::int64_t us)
{
    if (us < 0)
        us = 0;
    const std::int64_t tenths = us / 100'000;
    const std::int64_t minutes = tenths / 600;
    const double seconds = static_cast<double>(tenths % 600) / 10.0;
    return QStringLiteral("%1:%2").arg(minutes, 2, 10, QLatin1Char('0')).arg(seconds, 4, 'f', 1, QLatin1Char('0'));
}

QString EventLogPanel::kindLabel(Kind kind)
{
    switch (kind) {
    case Kind::RunStarted: return tr("run started");
    case Kind::RunPaused: return tr("run paused");
    case Kind::RunResumed: return tr("run resumed");
    case Kind::RunStopped: return tr("run stopped");
    case Kind::PolicySwitched: return tr("policy switched");
    case Kind::BackendDown: return tr("server down");
    case Kind::BackendUp: return tr("server up");
    case Kind::BackendDraining: return tr("draining");
    case Kind::BackendAdded: return tr("server added");
    case Kind::BackendRemoved: return tr("server removed");
    case Kind::WeightChanged: return tr("weight changed");
    case Kind::IpChanged: return tr("IP changed");
    case Kind::Repinned: return tr("re-pinned");
    case Kind::RateChanged: return tr("rate changed");
    case Kind::Note: return tr("note");
    case Kind::Error: return tr("error");
    case Kind::StoreDown: return tr("store down");
    case Kind::StoreUp: return tr("store up");
    case Kind::AffinityBroken: return tr("affinity broken");
    }
    return tr("note");
}

QColor EventLogPanel::kindColour(Kind kind)
{
    switch (kind) {
    case Kind::BackendDown:
    case Kind::BackendRemoved:
    case Kind::StoreDown:
    case Kind::Error: return BackendPalette::missColour();
    case Kind::StoreUp:
    case Kind::BackendUp:
    case Kind::BackendAdded: return QColor(0x1B, 0x8A, 0x3C);
    case Kind::BackendDraining:
    case Kind::WeightChanged: return QColor(0xB3, 0x6B, 0x00);
    case Kind::PolicySwitched: return QColor(0x1F, 0x5F, 0xD0);
    case Kind::IpChanged:
    case Kind::AffinityBroken: return QColor(0x8E, 0x3F, 0xB0);
    case Kind::Repinned: return QColor(0xC0, 0x5A, 0x00);
    case Kind::RunStarted:
    case Kind::RunPaused:
    case Kind::RunResumed:
    case Kind::RunStopped:
    case Kind::RateChanged:
    case Kind::Note: return QColor(0x55, 0x55, 0x55);
    }
    return QColor(0x55, 0x55, 0x55);
}

QIcon EventLogPanel::iconFor(Kind kind)
{
    QIcon& icon = m_icons[indexOf(kind)];
    if (icon.isNull()) {
        QPixmap pixmap(14, 14);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(Qt::NoPen);
        painter.setBrush(kindColour(kind));
        painter.drawEllipse(QRectF(1, 1, 12, 12));
        icon = QIcon(pixmap);
    }
    return icon;
}

void EventLogPanel::setKindShown(Kind kind, bool shown)
{
    m_shown[indexOf(kind)] = shown;
    applyFilter();
}

bool EventLogPanel::kindShown(Kind kind) const { return m_shown[indexOf(kind)]; }

int EventLogPanel::rowCount() const { return m_tree->topLevelItemCount(); }

int EventLogPanel::visibleRowCount() const
{
    int visible = 0;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i)
        visible += m_tree->topLevelItem(i)->isHidden() ? 0 : 1;
    return visible;
}

QString EventLogPanel::cellText(int row, int column) const
{
    const QTreeWidgetItem* item = m_tree->topLevelItem(row);
    return item ? item->text(column) : QString();
}

bool EventLogPanel::followsNewest() const
{
    const QScrollBar* bar = m_tree->verticalScrollBar();
    return bar->value() >= bar->maximum();
}

void EventLogPanel::applyFilter()
{
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = m_tree->topLevelItem(i);
        const auto kind = static_cast<std::size_t>(item->data(0, kKindRole).toInt());
        item->setHidden(kind < kKindCount && !m_shown[kind]);
    }
    m_count->setText(tr("%1 of %2 events").arg(visibleRowCount()).arg(rowCount()));
}

void EventLogPanel::clearLog()
{
    m_tree->clear();
    m_lastUs = -1;
    m_countAtLast = 0;
}

void EventLogPanel::showSnapshot(const lblab::Snapshot& snapshot)
{
    const std::vector<LabEvent>& log = snapshot.log;
    // A new run restarts the clock: the old run's events go.
    if (m_lastUs >= 0 && (log.empty() ? snapshot.tUs < m_lastUs : log.back().tUs < m_lastUs)) {
        clearLog();
        m_count->setText(QString());
    }
    if (log.empty())
        return;

    // The log is oldest first and bounded: walk back over what is newer than the newest shown,
    // then over the events that share its time, some of which may be new.
    std::size_t first = log.size();
    while (first > 0 && log[first - 1].tUs > m_lastUs)
        --first;
    std::size_t sameBegin = first;
    while (sameBegin > 0 && log[sameBegin - 1].tUs == m_lastUs)
        --sameBegin;
    const std::size_t sameCount = first - sameBegin;
    std::size_t start = sameCount > m_countAtLast ? sameBegin + m_countAtLast : first;
    if (start >= log.size())
        return;

    const QScrollBar* bar = m_tree->verticalScrollBar();
    const bool follow = bar->value() >= bar->maximum();

    QList<QTreeWidgetItem*> items;
    items.reserve(static_cast<qsizetype>(log.size() - start));
    for (std::size_t i = start; i < log.size(); ++i) {
        const LabEvent& e = log[i];
        auto* item = new QTreeWidgetItem({formatTime(e.tUs), kindLabel(e.kind), QString::fromStdString(e.subject),
                                          QString::fromStdString(e.detail)});
        const QColor colour = kindColour(e.kind);
        item->setIcon(1, iconFor(e.kind));
        item->setForeground(1, colour);
        if (e.kind == Kind::Error || e.kind == Kind::BackendDown || e.kind == Kind::StoreDown) {
            QFont bold = m_tree->font();
            bold.setBold(true);
            item->setFont(1, bold);
            item->setForeground(3, colour);
        }
        item->setData(0, kKindRole, static_cast<int>(e.kind));
        item->setToolTip(3, item->text(3));
        item->setHidden(!m_shown[indexOf(e.kind)]);
        items.push_back(item);
    }
    m_tree->addTopLevelItems(items);
    // addTopLevelItems ignores the hidden flag set before insertion.
    for (QTreeWidgetItem* item : items)
        item->setHidden(!m_shown[static_cast<std::size_t>(item->data(0, kKindRole).toInt())]);

    const int excess = m_tree->topLevelItemCount() - kMaxRows;
    for (int i = 0; i < excess; ++i)
        delete m_tree->takeTopLevelItem(0);

    const std::int64_t newest = log.back().tUs;
    std::size_t atNewest = 0;
    for (std::size_t i = log.size(); i > 0 && log[i - 1].tUs == newest; --i)
        ++atNewest;
    m_lastUs = newest;
    m_countAtLast = atNewest;

    m_count->setText(tr("%1 of %2 events").arg(visibleRowCount()).arg(rowCount()));
    if (follow)
        m_tree->scrollToBottom();
}

} // namespace lblab::ui
