#include "ui/assignment_map.h"

#include "ui/backend_palette.h"
#include "ui/tile_marks.h"
#include "core/record/why_text.h"
#include "ui/ui_text.h"

#include <QEvent>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace lblab::ui {

namespace {

constexpr int kMargin = 6;
/// Tiles at least this big get antialiased marks; smaller ones are drawn plain (cheaper, and at a
/// few pixels smoothing only blurs them).
constexpr int kSmoothMarksFrom = 16;


/// 1 when the event just happened, falling to 0 at `spanUs`; 0 if it never happened.
double freshness(std::int64_t eventUs, std::int64_t nowUs, std::int64_t spanUs)
{
    if (eventUs < 0)
        return 0;
    const std::int64_t age = std::max<std::int64_t>(0, nowUs - eventUs);
    if (age >= spanUs)
        return 0;
    return 1.0 - static_cast<double>(age) / static_cast<double>(spanUs);
}


/// A count's widest form for `n` ("888" for up to 999), so the legend reserves room once.
QString widestCount(std::size_t n)
{
    int digits = 1;
    for (; n >= 10; n /= 10)
        ++digits;
    return QString(digits, QLatin1Char('8'));
}

} // namespace

AssignmentMap::AssignmentMap(QWidget* parent) : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMouseTracking(false);
    // A click on the map takes the keyboard focus from whatever field the user typed in (the seed),
    // so the window's keys (Space pauses) act again instead of editing that field.
    setFocusPolicy(Qt::ClickFocus);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setToolTip(tr("Each tile is one client, coloured by the server its last request went to."));
    m_legend.setEntries(legendEntries());
    relayout();
}

QSize AssignmentMap::sizeHint() const { return {800, 600}; }

QSize AssignmentMap::minimumSizeHint() const { return {320, 240}; }

int AssignmentMap::tileCount() const { return snap() ? m_grid.tileCount() : 0; }

const ClientView* AssignmentMap::client(int index) const
{
    if (!snap() || index < 0 || index >= static_cast<int>(snap()->clients.size()))
        return nullptr;
    return &snap()->clients[static_cast<std::size_t>(index)];
}

AssignmentMap::TileState AssignmentMap::tileState(int tile) const
{
    TileState st;
    st.first = m_grid.firstClient(tile);
    st.count = snap() ? m_grid.clientCount(tile) : 0;
    if (st.count == 0)
        return st;
    const std::int64_t now = snap()->tUs;
    st.external = true;
    for (int i = st.first; i < st.first + st.count; ++i) {
        const ClientView& c = snap()->clients[static_cast<std::size_t>(i)];
        st.pinned += c.pinned ? 1 : 0;
        st.external = st.external && c.external;
        if (const double f = freshness(c.missUs, now, kMissUs); f > st.miss) {
            st.miss = f;
            st.missClient = i;
        }
        if (const double f = freshness(c.ipChangedUs, now, kIpFlashUs); f > st.ip) {
            st.ip = f;
            st.ipClient = i;
        }
        if (const double f = freshness(c.movedUs, now, kMoveUs); f > st.move) {
            st.move = f;
            st.moveClient = i;
            st.movedFrom = c.movedFrom;
        }
    }
    return st;
}

void AssignmentMap::countStripes(int tile) const
{
    m_stripes.clear();
    const int first = m_grid.firstClient(tile);
    const int count = snap() ? m_grid.clientCount(tile) : 0;
    for (int i = first; i < first + count; ++i) {
        const int b = snap()->clients[static_cast<std::size_t>(i)].backend;
        // Kept sorted by backend, so neighbouring tiles put the same server on the same side.
        auto it = std::lower_bound(m_stripes.begin(), m_stripes.end(), b,
                                   [](const std::pair<int, int>& s, int backend) { return s.first < backend; });
        if (it != m_stripes.end() && it->first == b)
            ++it->second;
        else
            m_stripes.insert(it, {b, 1});
    }
}

QColor AssignmentMap::tileColour(int i) const
{
    countStripes(i);
    int backend = -1;
    int most = 0;
    for (const auto& [b, n] : m_stripes) {
        // On a tie a served backend wins over "no request yet" (-1 sorts first).
        if (n > most || (n == most && backend < 0)) {
            most = n;
            backend = b;
        }
    }
    return BackendPalette::colourFor(backend);
}

bool AssignmentMap::tileShowsPin(int i) const
{
    const TileState st = tileState(i);
    return st.count > 0 && 2 * st.pinned > st.count;
}

bool AssignmentMap::tileShowsMiss(int i) const { return tileState(i).miss > 0; }

bool AssignmentMap::tileShowsIpFlash(int i) const { return tileState(i).ip > 0; }

bool AssignmentMap::tileShowsMove(int i) const { return tileState(i).move > 0; }

bool AssignmentMap::tileIsExternal(int i) const
{
    const TileState st = tileState(i);
    return st.count > 0 && st.external;
}

int AssignmentMap::clientForClick(int i) const
{
    const TileState st = tileState(i);
    if (st.count == 0)
        return -1;
    // The freshest mark by when it happened: a click on a tile that just flashed follows that client.
    int best = -1;
    std::int64_t bestUs = -1;
    auto consider = [&](int index, std::int64_t ClientView::*when) {
        if (const ClientView* c = client(index); c && c->*when > bestUs) {
            bestUs = c->*when;
            best = index;
        }
    };
    consider(st.missClient, &ClientView::missUs);
    consider(st.ipClient, &ClientView::ipChangedUs);
    consider(st.moveClient, &ClientView::movedUs);
    return best >= 0 ? best : st.first;
}

QString AssignmentMap::backendName(int backend) const
{
    if (!snap() || backend < 0 || backend >= static_cast<int>(snap()->servers.size()))
        return tr("none yet");
    return QString::fromStdString(snap()->servers[static_cast<std::size_t>(backend)].name);
}

QString AssignmentMap::tooltipFor(int i) const
{
    if (tileCount() == 0 || i < 0 || i >= tileCount())
        return {};
    if (m_grid.clientCount(i) == 1)
        return clientTooltip(*client(m_grid.firstClient(i)));
    return groupTooltip(i);
}

QString AssignmentMap::clientTooltip(const ClientView& c) const
{
    const std::int64_t now = snap()->tUs;
    QStringList lines;
    lines << tr("Client %1%2").arg(QString::fromStdString(c.id), c.external ? tr(" (outside)") : QString());
    lines << tr("Group: %1").arg(QString::fromStdString(c.group));
    lines << tr("Address: %1").arg(QString::fromStdString(formatIpv4(c.ip)));
    lines << tr("Session key: %1").arg(c.sessionKey.empty() ? tr("(none)") : QString::fromStdString(c.sessionKey));
    lines << tr("Backend: %1").arg(backendName(c.backend));
    lines << tr("Why: %1").arg(c.lastUs < 0 ? tr("no request yet") : toQString(whyText(c, backendNames(*snap()))));
    if (c.pinned && c.pinCreatedUs >= 0)
        lines << tr("Pinned for %1").arg(secondsText(std::max<std::int64_t>(0, now - c.pinCreatedUs)));
    else if (c.pinned)
        lines << tr("Pinned");
    else
        lines << tr("Not pinned");
    lines << tr("Last status: %1").arg(c.status == 0 ? tr("-") : QString::number(c.status));
    lines << tr("Session: %1").arg(toQString(toString(c.session)));
    if (c.ipChangedUs >= 0)
        lines << tr("Address changed %1 ago").arg(secondsText(std::max<std::int64_t>(0, now - c.ipChangedUs)));
    if (c.missUs >= 0)
        lines << tr("Last session miss %1 ago").arg(secondsText(std::max<std::int64_t>(0, now - c.missUs)));
    if (c.movedUs >= 0)
        lines << tr("Moved from %1 to %2 %3 ago")
                     .arg(backendName(c.movedFrom), backendName(c.backend),
                          secondsText(std::max<std::int64_t>(0, now - c.movedUs)));
    lines << tr("Requests: %1").arg(c.requests);
    return lines.join('\n');
}

QString AssignmentMap::groupTooltip(int tile) const
{
    const TileState st = tileState(tile);
    const ClientView& first = *client(st.first);
    const ClientView& last = *client(st.first + st.count - 1);
    const std::int64_t now = snap()->tUs;
    QStringList lines;
    lines << tr("Clients %1 to %2 (%3 clients share this tile)")
                 .arg(QString::fromStdString(first.id), QString::fromStdString(last.id))
                 .arg(st.count);
    countStripes(tile);
    QStringList servers;
    for (const auto& [b, n] : m_stripes)
        servers << tr("%1 ×%2").arg(backendName(b)).arg(n);
    lines << tr("Servers: %1").arg(servers.join(QStringLiteral(", ")));
    lines << tr("Pinned: %1 of %2").arg(st.pinned).arg(st.count);
    auto mark = [&](int index, std::int64_t ClientView::*when, const QString& what) {
        if (const ClientView* c = client(index))
            lines << tr("%1: %2, %3 ago")
                         .arg(what, QString::fromStdString(c->id), secondsText(std::max<std::int64_t>(0, now - c->*when)));
    };
    mark(st.missClient, &ClientView::missUs, tr("Session miss"));
    mark(st.ipClient, &ClientView::ipChangedUs, tr("Address changed"));
    if (const ClientView* c = client(st.moveClient))
        lines << tr("Moved: %1 from %2 to %3, %4 ago")
                     .arg(QString::fromStdString(c->id), backendName(c->movedFrom), backendName(c->backend),
                          secondsText(std::max<std::int64_t>(0, now - c->movedUs)));
    if (const ClientView* c = client(clientForClick(tile)))
        lines << tr("Click to follow %1").arg(QString::fromStdString(c->id));
    return lines.join('\n');
}

QString AssignmentMap::detailsText(const ClientView& c) const
{
    QString pin = tr("not pinned");
    if (c.pinned)
        pin = c.pinCreatedUs >= 0
            ? tr("pinned for %1").arg(secondsText(std::max<std::int64_t>(0, snap()->tUs - c.pinCreatedUs)))
            : tr("pinned");
    return tr("%1 (%2)  %3  key %4  %5; last status %6, session %7\n→ %8")
        .arg(QString::fromStdString(c.id), QString::fromStdString(c.group),
             QString::fromStdString(formatIpv4(c.ip)),
             c.sessionKey.empty() ? tr("(none)") : QString::fromStdString(c.sessionKey), pin,
             c.status == 0 ? tr("-") : QString::number(c.status), toQString(toString(c.session)),
             c.lastUs < 0 ? tr("no request yet") : toQString(whyText(c, backendNames(*snap()))));
}

void AssignmentMap::showSnapshot(const Snapshot& snapshot)
{
    showSharedSnapshot(std::make_shared<const Snapshot>(snapshot));
}

void AssignmentMap::showSharedSnapshot(std::shared_ptr<const Snapshot> snapshot)
{
    m_snapshot = std::move(snapshot);
    const Snapshot* s = snap();
    m_serverCounts.assign(s ? s->servers.size() : 0, 0);
    m_noneCount = 0;
    m_selectedIndex = -1;
    int external = 0;
    const std::string selected = m_selectedId.toStdString();
    if (s) {
        for (std::size_t i = 0; i < s->clients.size(); ++i) {
            const ClientView& c = s->clients[i];
            if (c.backend >= 0 && c.backend < static_cast<int>(m_serverCounts.size()))
                ++m_serverCounts[static_cast<std::size_t>(c.backend)];
            else
                ++m_noneCount;
            external += c.external ? 1 : 0;
            if (m_selectedIndex < 0 && !selected.empty() && c.id == selected)
                m_selectedIndex = static_cast<int>(i);
        }
    }
    const int count = s ? static_cast<int>(s->clients.size()) : 0;
    // setEntries() runs every time: it refreshes the counts the legend shows.
    const bool legendMoved = m_legend.setEntries(legendEntries());
    if (count != m_layoutCount || external != m_layoutExternal || legendMoved) {
        m_layoutCount = count;
        m_layoutExternal = external;
        relayout();
    }
    update();
}

void AssignmentMap::selectClient(const QString& id)
{
    m_selectedId = id;
    m_selectedIndex = -1;
    const std::string wanted = id.toStdString();
    for (std::size_t i = 0; snap() && !wanted.empty() && i < snap()->clients.size(); ++i) {
        if (snap()->clients[i].id == wanted) {
            m_selectedIndex = static_cast<int>(i);
            break;
        }
    }
    update();
}

std::vector<MapLegend::Entry> AssignmentMap::legendEntries() const
{
    using Swatch = MapLegend::Swatch;
    std::vector<MapLegend::Entry> out;
    const Snapshot* s = snap();
    if (s) {
        const QString wide = widestCount(s->clients.size());
        for (std::size_t b = 0; b < s->servers.size(); ++b) {
            const int n = b < m_serverCounts.size() ? m_serverCounts[b] : 0;
            if (s->servers[b].state == BackendState::Removed && n == 0)
                continue;
            const QString name = QString::fromStdString(s->servers[b].name);
            out.push_back({Swatch::Colour, BackendPalette::colourFor(static_cast<int>(b)), {},
                           QStringLiteral("%1 (%2)").arg(name).arg(n), QStringLiteral("%1 (%2)").arg(name, wide), {}});
        }
        if (!s->clients.empty())
            out.push_back({Swatch::Colour, BackendPalette::colourFor(-1), {},
                           tr("no request yet (%1)").arg(m_noneCount), tr("no request yet (%1)").arg(wide), {}});
    }
    auto mark = [&out](Swatch swatch, const QString& text, QColor colour = {}, QColor second = {}) {
        out.push_back({swatch, colour, second, text, text, {}});
    };
    mark(Swatch::Pinned, tr("pinned"));
    mark(Swatch::IpChange, tr("IP changed"));
    mark(Swatch::Miss, tr("session miss"));
    mark(Swatch::Moved, tr("moved (edge: previous server)"), BackendPalette::colourFor(0),
         BackendPalette::colourFor(1));
    mark(Swatch::Outside, tr("outside client"));
    if (const int k = m_grid.clientsPerTile(); s && k > 1)
        out.push_back({Swatch::Grouped, BackendPalette::colourFor(0), BackendPalette::colourFor(1),
                       tr("each tile = %1 clients").arg(k), tr("each tile = %1 clients").arg(widestCount(k)), {}});
    return out;
}

std::vector<QRect> AssignmentMap::legendRects() const
{
    std::vector<QRect> rects;
    for (const MapLegend::Entry& e : m_legend.entries())
        rects.push_back(e.rect);
    return rects;
}

QStringList AssignmentMap::legendTexts() const
{
    QStringList texts;
    for (const MapLegend::Entry& e : m_legend.entries())
        texts << e.text;
    return texts;
}

int AssignmentMap::detailsHeight() const { return 2 * fontMetrics().height() + 12; }

QRect AssignmentMap::detailsArea() const
{
    return QRect(kMargin, height() - kMargin - detailsHeight() + 6, width() - 2 * kMargin, detailsHeight() - 6);
}

void AssignmentMap::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    relayout();
}

void AssignmentMap::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    // A projector's larger font needs more legend lines and a taller details line.
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange)
        relayout();
}

void AssignmentMap::relayout()
{
    static const std::vector<ClientView> kNoClients;
    const std::vector<ClientView>& clients = snap() ? snap()->clients : kNoClients;
    const QFontMetrics fm = fontMetrics();
    const QRect legendBounds(kMargin, kMargin, width() - 2 * kMargin, 0);
    // The legend says "each tile = k clients" only when tiles are grouped, and grouping depends on the
    // room the legend leaves: settle in a few rounds (k only grows as the room shrinks).
    for (int round = 0; round < 4; ++round) {
        const int legendHeight = m_legend.layout(fm, legendBounds);
        const QRect area = rect().adjusted(kMargin, kMargin + legendHeight + 2, -kMargin, -kMargin - detailsHeight());
        m_grid.layout(clients, area, kMinTile, kMaxTile);
        if (!m_legend.setEntries(legendEntries()))
            break;
    }
    m_legend.layout(fm, legendBounds);
    update();
}

void AssignmentMap::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    m_legend.paint(p, palette(), fontMetrics());

    const Snapshot* s = snap();
    if (!s || s->clients.empty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(m_grid.area(), Qt::AlignCenter, tr("No clients yet: start a preset."));
        return;
    }
    paintTiles(p);

    const int selectedTile = m_grid.tileOfClient(m_selectedIndex);
    if (selectedTile >= 0) {
        const int side = m_grid.side();
        const int gap = side >= 8 ? std::max(1, side / 10) : 0;
        p.setRenderHint(QPainter::Antialiasing, true);
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(palette().color(QPalette::Text), 3));
        p.drawRect(QRectF(m_grid.tileRect(selectedTile)).adjusted(-2, -2, 2 - gap, 2 - gap));
        p.setPen(palette().color(QPalette::Text));
        p.drawText(detailsArea(), Qt::AlignLeft | Qt::AlignVCenter, detailsText(*client(m_selectedIndex)));
    } else {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(detailsArea(), Qt::AlignLeft | Qt::AlignVCenter,
                   tr("Hover a tile for details; click to follow a client."));
    }
}

void AssignmentMap::paintTiles(QPainter& p) const
{
    const int side = m_grid.side();
    const int gap = side >= 8 ? std::max(1, side / 10) : 0;
    const int tiles = m_grid.tileCount();
    const std::vector<ClientView>& clients = snap()->clients;

    // Pass 1: plain fills without antialiasing, the bulk of the work at thousands of tiles. A grouped
    // tile is vertical stripes, each as wide as its server's share of the members.
    p.setRenderHint(QPainter::Antialiasing, false);
    for (int t = 0; t < tiles; ++t) {
        const QRect r = m_grid.tileRect(t).adjusted(0, 0, -gap, -gap);
        const int first = m_grid.firstClient(t);
        const int count = m_grid.clientCount(t);
        if (count == 1) {
            const ClientView& c = clients[static_cast<std::size_t>(first)];
            if (!c.external)
                p.fillRect(r, BackendPalette::colourFor(c.backend));
            continue;
        }
        countStripes(t);
        int done = 0;
        int x = r.left();
        for (const auto& [backend, n] : m_stripes) {
            done += n;
            const int right = r.left() + (r.width() * done + count / 2) / count;
            p.fillRect(QRect(x, r.top(), right - x, r.height()), BackendPalette::colourFor(backend));
            x = right;
        }
    }

    // Pass 2: marks, only where there is one.
    p.setRenderHint(QPainter::Antialiasing, side >= kSmoothMarksFrom);
    for (int t = 0; t < tiles; ++t) {
        const TileState st = tileState(t);
        const bool pinned = 2 * st.pinned > st.count;
        if (!st.external && !pinned && st.miss <= 0 && st.ip <= 0 && st.move <= 0)
            continue;
        const QRect box = m_grid.tileRect(t).adjusted(0, 0, -gap, -gap);
        const QRectF r(box);
        if (st.external) {
            const int backend = clients[static_cast<std::size_t>(st.first)].backend;
            TileMarks::drawOutside(p, r, BackendPalette::colourFor(backend));
        }
        if (st.move > 0 && !st.external)
            TileMarks::drawMoved(p, box, BackendPalette::colourFor(st.movedFrom), st.move);
        if (pinned)
            TileMarks::drawPin(p, r);
        if (st.ip > 0)
            TileMarks::drawIpRing(p, r, st.ip);
        if (st.miss > 0)
            TileMarks::drawMiss(p, r, st.miss);
    }
}

void AssignmentMap::mousePressEvent(QMouseEvent* event)
{
    const int index = clientForClick(tileAt(event->position().toPoint()));
    const ClientView* c = client(index);
    m_selectedIndex = c ? index : -1;
    m_selectedId = c ? QString::fromStdString(c->id) : QString();
    update();
    emit clientSelected(m_selectedId);
}

bool AssignmentMap::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int i = tileAt(help->pos());
        if (i >= 0)
            QToolTip::showText(help->globalPos(), tooltipFor(i), this, tileRect(i));
        else
            QToolTip::showText(help->globalPos(), toolTip(), this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace lblab::ui
