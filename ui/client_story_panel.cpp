#include "ui/client_story_panel.h"

#include "core/record/why_text.h"
#include "ui/backend_palette.h"
#include "ui/ui_text.h"

#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QScrollBar>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace lblab::ui {

namespace {

constexpr int kFirstUsRole = Qt::UserRole + 1;

QString ip(Ipv4 address) { return QString::fromStdString(formatIpv4(address)); }

bool sameEntry(const StoryEntry& a, const StoryEntry& b)
{
    return a.kind == b.kind && a.firstUs == b.firstUs && a.lastUs == b.lastUs && a.count == b.count && a.ip == b.ip &&
           a.fromIp == b.fromIp && a.backend == b.backend && a.decision == b.decision && a.session == b.session &&
           a.status == b.status && a.why == b.why && a.sessionKey == b.sessionKey &&
           a.reason == b.reason;
}

/// "1 address", "3 addresses".
QString counted(std::size_t n, const QString& one, const QString& many)
{
    return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many);
}

} // namespace

bool ClientStoryPanel::Signature::operator==(const Signature& other) const
{
    return clientId == other.clientId && entries == other.entries && dropped == other.dropped &&
           (entries == 0 || sameEntry(last, other.last));
}

ClientStoryPanel::ClientStoryPanel(QWidget* parent) : QWidget(parent)
{
    m_header = new QLabel(this);
    m_header->setTextFormat(Qt::PlainText);
    m_header->setWordWrap(true);
    QFont bold; // bold only, so the size follows the window's text size
    bold.setBold(true);
    m_header->setFont(bold);

    m_tree = new QTreeWidget(this);
    m_tree->setColumnCount(ColumnCount);
    m_tree->setHeaderLabels({tr("Time (s)"), tr("Server"), tr("Why"), tr("Session"), tr("What"), tr("Address"),
                             tr("Status"), tr("Reason")});
    m_tree->setRootIsDecorated(false);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tree->setWordWrap(false);
    m_tree->setTextElideMode(Qt::ElideRight);
    const QFontMetrics fm(m_tree->font());
    m_tree->header()->setStretchLastSection(true);
    m_tree->header()->resizeSection(Time, fm.horizontalAdvance(QStringLiteral("0000.0–0000.0")) + 16);
    // Wide enough for a count of requests; an address change is elided here and whole in its tooltip.
    m_tree->header()->resizeSection(What, fm.horizontalAdvance(QStringLiteral("requests ×9999")) + 16);
    m_tree->header()->resizeSection(Address, fm.horizontalAdvance(QStringLiteral("127.255.255.255")) + 16);
    m_tree->header()->resizeSection(Server, fm.horizontalAdvance(QStringLiteral("Server")) + 28);
    m_tree->header()->resizeSection(Why, fm.horizontalAdvance(QStringLiteral("weighted-round-robin")) + 16);
    // "unavailable" (the shared store did not answer) is the longest outcome.
    m_tree->header()->resizeSection(Session, fm.horizontalAdvance(QStringLiteral("unavailable")) + 28);
    m_tree->header()->resizeSection(Status, fm.horizontalAdvance(QStringLiteral("Status")) + 16);

    // The table's Reason column is at its far right; the whole reason of the step in view is here.
    m_reason = new QLabel(this);
    m_reason->setTextFormat(Qt::PlainText);
    m_reason->setWordWrap(true);
    m_reason->setTextInteractionFlags(Qt::TextSelectableByMouse);
    connect(m_tree, &QTreeWidget::itemSelectionChanged, this, &ClientStoryPanel::updateReason);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_header);
    layout->addWidget(m_tree, 1);
    layout->addWidget(m_reason);

    showSnapshot(Snapshot{});
}

int ClientStoryPanel::rowCount() const { return m_tree->topLevelItemCount(); }

QString ClientStoryPanel::cellText(int row, int column) const
{
    const QTreeWidgetItem* item = m_tree->topLevelItem(row);
    return item && column >= 0 && column < ColumnCount ? item->text(column) : QString();
}

QString ClientStoryPanel::headerText() const { return m_header->text(); }

QString ClientStoryPanel::reasonText() const { return m_reason->text(); }

void ClientStoryPanel::updateReason()
{
    const QList<QTreeWidgetItem*> selected = m_tree->selectedItems();
    const QTreeWidgetItem* item = selected.isEmpty() ? nullptr : selected.back();
    for (int row = m_tree->topLevelItemCount() - 1; !item && row >= 0; --row)
        if (!m_tree->topLevelItem(row)->text(Reason).isEmpty())
            item = m_tree->topLevelItem(row);
    const QString reason = item ? item->text(Reason) : QString();
    m_reason->setText(reason.isEmpty() ? QString() : tr("Why (%1 s): %2").arg(item->text(Time), reason));
}

bool ClientStoryPanel::followsNewest() const
{
    const QScrollBar* bar = m_tree->verticalScrollBar();
    return bar->value() >= bar->maximum();
}

QString ClientStoryPanel::formatSeconds(std::int64_t us)
{
    return QString::number(static_cast<double>(std::max<std::int64_t>(0, us)) / 1e6, 'f', 1);
}

ClientStoryPanel::Signature ClientStoryPanel::signatureOf(const ClientStory& story)
{
    Signature s;
    s.clientId = story.clientId;
    s.entries = story.entries.size();
    s.dropped = story.droppedEntries;
    if (!story.entries.empty())
        s.last = story.entries.back();
    return s;
}

QColor ClientStoryPanel::invalidColour() { return QColor(0xA3, 0x5F, 0x00); }

QIcon ClientStoryPanel::swatch(int backend)
{
    if (backend < 0)
        return {};
    const auto b = static_cast<std::size_t>(backend);
    if (b >= m_swatches.size())
        m_swatches.resize(b + 1);
    if (m_swatches[b].isNull()) {
        QPixmap pixmap(14, 14);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.fillRect(QRect(1, 1, 12, 12), BackendPalette::colourFor(backend));
        painter.setPen(QColor(40, 40, 40));
        painter.drawRect(QRect(1, 1, 11, 11));
        m_swatches[b] = QIcon(pixmap);
    }
    return m_swatches[b];
}

void ClientStoryPanel::fillRow(QTreeWidgetItem* item, const StoryEntry& e, const Snapshot& snapshot)
{
    const bool requests = e.kind == StoryEntry::Kind::Requests;
    QString time = formatSeconds(e.firstUs);
    if (requests && e.count > 1 && e.lastUs > e.firstUs)
        time += QStringLiteral("–") + formatSeconds(e.lastUs);
    item->setText(Time, time);
    item->setData(Time, kFirstUsRole, QVariant::fromValue<qlonglong>(e.firstUs));
    if (requests)
        item->setText(What, e.count == 1 ? tr("request") : tr("requests ×%1").arg(e.count));
    else
        item->setText(What, tr("address change %1 → %2").arg(ip(e.fromIp), ip(e.ip)));
    // The reason with its inputs (the last request's, for a run of alike requests); whole in the tooltip.
    item->setText(Reason, requests ? toQString(whyText(e, backendNames(snapshot))) : QString());
    const QString tip = requests ? item->text(What) + QStringLiteral("\n") + item->text(Reason) : item->text(What);
    for (int column = 0; column < ColumnCount; ++column)
        item->setToolTip(column, tip); // the whole step, whichever cell is hovered
    item->setText(Address, ip(e.ip));

    QString server;
    if (requests) {
        if (e.backend >= 0 && e.backend < static_cast<int>(snapshot.servers.size()))
            server = QString::fromStdString(snapshot.servers[static_cast<std::size_t>(e.backend)].name);
        else if (e.backend >= 0)
            server = QStringLiteral("#%1").arg(e.backend + 1);
        else
            server = tr("none");
    }
    item->setText(Server, server);
    item->setIcon(Server, requests ? swatch(e.backend) : QIcon());
    item->setText(Why, requests ? toQString(toString(e.decision)) : QString());
    item->setText(Session, requests && e.session != SessionOutcome::None ? toQString(toString(e.session)) : QString());
    item->setText(Status, requests && e.status != 0 ? QString::number(e.status) : QString());

    // A miss is the harm the lab is about: it stands out. Address changes are the cause: italic.
    QFont font = m_tree->font();
    font.setItalic(!requests);
    for (int c = 0; c < ColumnCount; ++c)
        item->setFont(c, font);
    // A lost session (a miss, or the shared store not answering) in the miss red; a signed cookie the
    // server refused (tampered, expired) in amber: the user's own token failed, no server lost anything.
    const bool miss = requests && lostSession(e.session);
    const bool invalid = requests && e.session == SessionOutcome::Invalid;
    const QBrush normal = m_tree->palette().brush(QPalette::Text);
    const QBrush red(BackendPalette::missColour());
    QFont missFont = font;
    missFont.setBold(miss || invalid);
    item->setFont(Session, missFont);
    item->setForeground(Session, miss ? red : invalid ? QBrush(invalidColour()) : normal);
    item->setForeground(Status, requests && e.status >= 400 ? red : normal);
}

void ClientStoryPanel::rebuild(const Snapshot& snapshot, std::size_t offset)
{
    m_tree->clear();
    const std::vector<StoryEntry>& entries = snapshot.story.entries;
    QList<QTreeWidgetItem*> items;
    items.reserve(static_cast<qsizetype>(entries.size() - offset));
    for (std::size_t i = offset; i < entries.size(); ++i) {
        auto* item = new QTreeWidgetItem;
        fillRow(item, entries[i], snapshot);
        items.push_back(item);
    }
    m_tree->addTopLevelItems(items);
}

void ClientStoryPanel::showSnapshot(const Snapshot& snapshot)
{
    const ClientStory& story = snapshot.story;
    Signature signature = signatureOf(story);
    if (m_hasShown && signature == m_shown)
        return;

    const bool sameClient = m_hasShown && signature.clientId == m_shown.clientId;
    const bool follow = !sameClient || followsNewest();
    const std::size_t total = story.entries.size();
    const std::size_t offset = total > static_cast<std::size_t>(kMaxRows) ? total - kMaxRows : 0;
    const std::uint64_t firstShown = story.droppedEntries + offset;

    // Same client: drop the rows whose entries left the front, refresh the last kept row (its entry
    // may have grown), append the new ones. Anything unexpected rebuilds the table.
    bool updated = false;
    if (sameClient && !signature.clientId.empty() && firstShown >= m_firstShown) {
        const std::uint64_t gone = firstShown - m_firstShown;
        if (gone <= static_cast<std::uint64_t>(m_tree->topLevelItemCount())) {
            for (std::uint64_t i = 0; i < gone; ++i)
                delete m_tree->takeTopLevelItem(0);
            const auto kept = static_cast<std::size_t>(m_tree->topLevelItemCount());
            const bool aligned = kept == 0 ||
                (kept <= total - offset &&
                 m_tree->topLevelItem(0)->data(Time, kFirstUsRole).toLongLong() == story.entries[offset].firstUs);
            if (aligned) {
                if (kept > 0)
                    fillRow(m_tree->topLevelItem(static_cast<int>(kept) - 1), story.entries[offset + kept - 1],
                            snapshot);
                QList<QTreeWidgetItem*> items;
                for (std::size_t i = offset + kept; i < total; ++i) {
                    auto* item = new QTreeWidgetItem;
                    fillRow(item, story.entries[i], snapshot);
                    items.push_back(item);
                }
                m_tree->addTopLevelItems(items);
                updated = true;
            }
        }
    }
    if (!updated)
        rebuild(snapshot, offset);

    m_firstShown = firstShown;
    m_shown = std::move(signature);
    m_hasShown = true;
    ++m_refreshes;
    updateHeader(snapshot);
    updateReason();
    if (follow)
        m_tree->scrollToBottom();
}

void ClientStoryPanel::updateHeader(const Snapshot& snapshot)
{
    const ClientStory& story = snapshot.story;
    if (story.clientId.empty()) {
        m_clientIndex = -1;
        m_header->setText(tr("Click a tile on the map to follow a client"));
        return;
    }
    // The group and current address come from the client list; remember where the client was.
    const std::vector<ClientView>& clients = snapshot.clients;
    if (m_clientIndex < 0 || m_clientIndex >= static_cast<int>(clients.size()) ||
        clients[static_cast<std::size_t>(m_clientIndex)].id != story.clientId) {
        m_clientIndex = -1;
        for (std::size_t i = 0; i < clients.size(); ++i) {
            if (clients[i].id == story.clientId) {
                m_clientIndex = static_cast<int>(i);
                break;
            }
        }
    }
    const ClientView* view = m_clientIndex >= 0 ? &clients[static_cast<std::size_t>(m_clientIndex)] : nullptr;

    QStringList parts;
    const QString id = QString::fromStdString(story.clientId);
    parts << (view && !view->group.empty() ? tr("%1 (%2)").arg(id, QString::fromStdString(view->group)) : id);
    if (view)
        parts << ip(view->ip);
    else if (!story.entries.empty())
        parts << ip(story.entries.back().ip);
    if (story.entries.empty()) {
        parts << tr("waiting for its next request");
        m_header->setText(parts.join(QStringLiteral(" · ")));
        return;
    }
    std::vector<Ipv4> addresses;
    std::vector<int> servers;
    std::uint64_t misses = 0;
    std::uint64_t invalid = 0;
    for (const StoryEntry& e : story.entries) {
        addresses.push_back(e.ip);
        if (e.kind == StoryEntry::Kind::IpChange) {
            addresses.push_back(e.fromIp);
            continue;
        }
        if (e.backend >= 0)
            servers.push_back(e.backend);
        if (lostSession(e.session))
            misses += e.count;
        if (e.session == SessionOutcome::Invalid)
            invalid += e.count;
    }
    std::sort(addresses.begin(), addresses.end());
    addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
    std::sort(servers.begin(), servers.end());
    servers.erase(std::unique(servers.begin(), servers.end()), servers.end());
    parts << counted(addresses.size(), tr("address"), tr("addresses"));
    parts << counted(servers.size(), tr("server"), tr("servers"));
    parts << counted(misses, tr("miss"), tr("misses"));
    if (invalid > 0)
        parts << counted(invalid, tr("cookie refused"), tr("cookies refused"));
    if (story.droppedEntries > 0)
        parts << tr("%1 older steps not kept").arg(story.droppedEntries);
    m_header->setText(parts.join(QStringLiteral(" · ")));
}

} // namespace lblab::ui
