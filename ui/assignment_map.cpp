#include "ui/assignment_map.h"

#include "ui/backend_palette.h"

#include <QEvent>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QPolygon>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace lblab::ui {

namespace {

constexpr int kMargin = 6;
constexpr int kMaxTile = 72;

QString qs(std::string_view text) { return QString::fromUtf8(text.data(), static_cast<int>(text.size())); }

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

QString seconds(std::int64_t us) { return QString::number(static_cast<double>(us) / 1e6, 'f', 1) + " s"; }

void drawPinMark(QPainter& p, const QRectF& r)
{
    const double d = std::max(3.0, r.width() * 0.36);
    const QRectF dot(r.center().x() - d / 2, r.center().y() - d / 2, d, d);
    p.setPen(QPen(QColor(20, 20, 20), std::max(1.0, d / 5)));
    p.setBrush(Qt::white);
    p.drawEllipse(dot);
}

void drawMissMark(QPainter& p, const QRectF& r, double strength)
{
    QColor red = BackendPalette::missColour();
    red.setAlphaF(0.35 + 0.65 * strength);
    const double s = std::max(4.0, r.width() * 0.5);
    QPolygonF tri;
    tri << QPointF(r.right() - s, r.top()) << QPointF(r.right(), r.top()) << QPointF(r.right(), r.top() + s);
    // A white edge keeps the red apart from orange and purple tiles.
    QColor edge(Qt::white);
    edge.setAlphaF(0.35 + 0.65 * strength);
    p.setPen(QPen(edge, std::max(1.0, r.width() / 40)));
    p.setBrush(red);
    p.drawPolygon(tri);
}

void drawIpRing(QPainter& p, const QRectF& r, double strength)
{
    // A dark halo under a bright ring, so it shows on light (yellow, grey) tiles too.
    const double w = std::max(2.0, r.width() * 0.14);
    QColor dark(0, 0, 0);
    dark.setAlphaF(0.6 * strength);
    QColor bright = BackendPalette::ipChangeColour();
    bright.setAlphaF(strength);
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(dark, w + 2));
    p.drawEllipse(r.adjusted(w, w, -w, -w));
    p.setPen(QPen(bright, w));
    p.drawEllipse(r.adjusted(w, w, -w, -w));
}

QPolygonF diamond(const QRectF& r)
{
    QPolygonF d;
    d << QPointF(r.center().x(), r.top()) << QPointF(r.right(), r.center().y())
      << QPointF(r.center().x(), r.bottom()) << QPointF(r.left(), r.center().y());
    return d;
}

} // namespace

AssignmentMap::AssignmentMap(QWidget* parent) : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMouseTracking(false);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setToolTip(tr("Each tile is one client, coloured by the server its last request went to."));
}

QSize AssignmentMap::sizeHint() const { return {800, 600}; }

QSize AssignmentMap::minimumSizeHint() const { return {320, 240}; }

int AssignmentMap::tileCount() const { return snap() ? static_cast<int>(snap()->clients.size()) : 0; }

const ClientView* AssignmentMap::client(int i) const
{
    if (!snap() || i < 0 || i >= tileCount())
        return nullptr;
    return &snap()->clients[static_cast<std::size_t>(i)];
}

QColor AssignmentMap::tileColour(int i) const
{
    const ClientView* c = client(i);
    return BackendPalette::colourFor(c ? c->backend : -1);
}

bool AssignmentMap::tileShowsPin(int i) const
{
    const ClientView* c = client(i);
    return c && c->pinned;
}

bool AssignmentMap::tileShowsMiss(int i) const
{
    const ClientView* c = client(i);
    return c && freshness(c->missUs, snap()->tUs, kMissUs) > 0;
}

bool AssignmentMap::tileShowsIpFlash(int i) const
{
    const ClientView* c = client(i);
    return c && freshness(c->ipChangedUs, snap()->tUs, kIpFlashUs) > 0;
}

bool AssignmentMap::tileIsExternal(int i) const
{
    const ClientView* c = client(i);
    return c && c->external;
}

QString AssignmentMap::backendName(int backend) const
{
    if (!snap() || backend < 0 || backend >= static_cast<int>(snap()->servers.size()))
        return tr("none yet");
    return QString::fromStdString(snap()->servers[static_cast<std::size_t>(backend)].name);
}

QString AssignmentMap::tooltipFor(int i) const
{
    const ClientView* c = client(i);
    if (!c)
        return {};
    QStringList lines;
    lines << tr("Client %1%2").arg(QString::fromStdString(c->id), c->external ? tr(" (outside)") : QString());
    lines << tr("Group: %1").arg(QString::fromStdString(c->group));
    lines << tr("Address: %1").arg(QString::fromStdString(formatIpv4(c->ip)));
    lines << tr("Session key: %1").arg(c->sessionKey.empty() ? tr("(none)") : QString::fromStdString(c->sessionKey));
    lines << tr("Backend: %1").arg(backendName(c->backend));
    lines << tr("Why: %1").arg(c->lastUs < 0 ? tr("no request yet") : qs(toString(c->decision)));
    if (c->pinned && c->pinCreatedUs >= 0)
        lines << tr("Pinned for %1").arg(seconds(std::max<std::int64_t>(0, snap()->tUs - c->pinCreatedUs)));
    else if (c->pinned)
        lines << tr("Pinned");
    else
        lines << tr("Not pinned");
    lines << tr("Last status: %1").arg(c->status == 0 ? tr("-") : QString::number(c->status));
    lines << tr("Session: %1").arg(qs(toString(c->session)));
    if (c->ipChangedUs >= 0)
        lines << tr("Address changed %1 ago").arg(seconds(std::max<std::int64_t>(0, snap()->tUs - c->ipChangedUs)));
    if (c->missUs >= 0)
        lines << tr("Last session miss %1 ago").arg(seconds(std::max<std::int64_t>(0, snap()->tUs - c->missUs)));
    lines << tr("Requests: %1").arg(c->requests);
    return lines.join('\n');
}

QString AssignmentMap::detailsText(const ClientView& c) const
{
    QString pin = tr("not pinned");
    if (c.pinned)
        pin = c.pinCreatedUs >= 0
            ? tr("pinned for %1").arg(seconds(std::max<std::int64_t>(0, snap()->tUs - c.pinCreatedUs)))
            : tr("pinned");
    return tr("%1 (%2)  %3  key %4\n→ %5 because %6, %7; last status %8, session %9")
        .arg(QString::fromStdString(c.id), QString::fromStdString(c.group),
             QString::fromStdString(formatIpv4(c.ip)),
             c.sessionKey.empty() ? tr("(none)") : QString::fromStdString(c.sessionKey),
             backendName(c.backend), c.lastUs < 0 ? tr("no request yet") : qs(toString(c.decision)), pin,
             c.status == 0 ? tr("-") : QString::number(c.status), qs(toString(c.session)));
}

void AssignmentMap::showSnapshot(const Snapshot& snapshot)
{
    showSharedSnapshot(std::make_shared<const Snapshot>(snapshot));
}

void AssignmentMap::showSharedSnapshot(std::shared_ptr<const Snapshot> snapshot)
{
    m_snapshot = std::move(snapshot);
    if (tileCount() != m_layoutCount)
        relayout();
    update();
}

void AssignmentMap::selectClient(const QString& id)
{
    m_selectedId = id;
    update();
}

int AssignmentMap::legendHeight() const { return fontMetrics().height() + 12; }

int AssignmentMap::detailsHeight() const { return 2 * fontMetrics().height() + 12; }

void AssignmentMap::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    relayout();
}

void AssignmentMap::relayout()
{
    const int n = tileCount();
    m_layoutCount = n;
    m_gridArea = rect().adjusted(kMargin, kMargin + legendHeight(), -kMargin, -kMargin - detailsHeight());
    const int w = std::max(1, m_gridArea.width());
    const int h = std::max(1, m_gridArea.height());
    if (n == 0) {
        m_columns = 1;
        m_side = 0;
        return;
    }
    // The largest square tile that fits all n: try every column count (n is at most a few thousand).
    int bestSide = 0;
    int bestColumns = 1;
    for (int cols = 1; cols <= n; ++cols) {
        const int rows = (n + cols - 1) / cols;
        const int side = std::min(w / cols, h / rows);
        if (side > bestSide) {
            bestSide = side;
            bestColumns = cols;
        }
        if (w / cols < bestSide)
            break;
    }
    m_columns = bestColumns;
    // Few clients would make huge blocks; a bounded tile keeps the map calm and the marks in proportion.
    m_side = std::clamp(bestSide, 1, kMaxTile);
    if (m_side < bestSide)
        m_columns = std::max(1, std::min(n, w / m_side));
}

QRect AssignmentMap::tileRect(int i) const
{
    if (i < 0 || i >= tileCount() || m_side <= 0)
        return {};
    const int rows = (tileCount() + m_columns - 1) / m_columns;
    // Centre the grid in its area.
    const int x0 = m_gridArea.left() + (m_gridArea.width() - m_columns * m_side) / 2;
    const int y0 = m_gridArea.top() + std::max(0, (m_gridArea.height() - rows * m_side) / 2);
    return QRect(x0 + (i % m_columns) * m_side, y0 + (i / m_columns) * m_side, m_side, m_side);
}

int AssignmentMap::tileAt(const QPoint& pos) const
{
    if (tileCount() == 0 || m_side <= 0)
        return -1;
    const QRect first = tileRect(0);
    const int col = (pos.x() - first.left()) / m_side;
    const int row = (pos.y() - first.top()) / m_side;
    if (pos.x() < first.left() || pos.y() < first.top() || col >= m_columns)
        return -1;
    const int i = row * m_columns + col;
    return i < tileCount() ? i : -1;
}

void AssignmentMap::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    const QRect legendArea(kMargin, kMargin, width() - 2 * kMargin, legendHeight() - 6);
    paintLegend(p, legendArea);

    const Snapshot* s = snap();
    if (!s || s->clients.empty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(m_gridArea, Qt::AlignCenter, tr("No clients yet: start a preset."));
        return;
    }
    const int gap = m_side >= 8 ? std::max(1, m_side / 10) : 0;
    const int n = tileCount();
    const std::string selectedId = m_selectedId.toStdString();
    int selected = -1;
    // Pass 1: plain fills without antialiasing (the bulk of the work for 2,000 tiles).
    p.setRenderHint(QPainter::Antialiasing, false);
    for (int i = 0; i < n; ++i) {
        const ClientView& c = s->clients[static_cast<std::size_t>(i)];
        if (c.external)
            continue;
        p.fillRect(tileRect(i).adjusted(0, 0, -gap, -gap), BackendPalette::colourFor(c.backend));
    }
    // Pass 2: marks, antialiased, only where there is one.
    p.setRenderHint(QPainter::Antialiasing, true);
    for (int i = 0; i < n; ++i) {
        const ClientView& c = s->clients[static_cast<std::size_t>(i)];
        const QRectF r = QRectF(tileRect(i).adjusted(0, 0, -gap, -gap));
        if (c.external) {
            p.setPen(QPen(QColor(20, 20, 20), 1.5));
            p.setBrush(BackendPalette::colourFor(c.backend));
            p.drawPolygon(diamond(r.adjusted(0.5, 0.5, -0.5, -0.5)));
        }
        if (c.pinned)
            drawPinMark(p, r);
        if (const double f = freshness(c.ipChangedUs, s->tUs, kIpFlashUs); f > 0)
            drawIpRing(p, r, f);
        if (const double f = freshness(c.missUs, s->tUs, kMissUs); f > 0)
            drawMissMark(p, r, f);
        if (!selectedId.empty() && c.id == selectedId)
            selected = i;
    }
    if (selected >= 0) {
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(palette().color(QPalette::Text), 3));
        p.drawRect(QRectF(tileRect(selected)).adjusted(-2, -2, 2 - gap, 2 - gap));
        const QRect detailsArea(kMargin, height() - kMargin - detailsHeight() + 6, width() - 2 * kMargin,
                                detailsHeight() - 6);
        paintDetails(p, detailsArea);
    } else {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(QRect(kMargin, height() - kMargin - detailsHeight() + 6, width() - 2 * kMargin,
                         detailsHeight() - 6),
                   Qt::AlignLeft | Qt::AlignVCenter, tr("Hover a tile for details; click to follow a client."));
    }
}

void AssignmentMap::paintLegend(QPainter& p, const QRect& area) const
{
    p.setRenderHint(QPainter::Antialiasing, true);
    const int sw = area.height() - 6;
    int x = area.left();
    const int y = area.top() + 3;
    const QFontMetrics fm = fontMetrics();
    auto label = [&](const QString& text) {
        p.setPen(palette().color(QPalette::Text));
        p.drawText(QRect(x, area.top(), fm.horizontalAdvance(text) + 2, area.height()), Qt::AlignVCenter, text);
        x += fm.horizontalAdvance(text) + 16;
    };
    const Snapshot* s = snap();
    if (s) {
        std::vector<int> counts(s->servers.size(), 0);
        int none = 0;
        for (const ClientView& c : s->clients) {
            if (c.backend >= 0 && c.backend < static_cast<int>(counts.size()))
                ++counts[static_cast<std::size_t>(c.backend)];
            else
                ++none;
        }
        for (std::size_t b = 0; b < s->servers.size(); ++b) {
            if (s->servers[b].state == ServerState::Removed && counts[b] == 0)
                continue;
            p.fillRect(QRect(x, y, sw, sw), BackendPalette::colourFor(static_cast<int>(b)));
            x += sw + 4;
            label(QString("%1 (%2)").arg(QString::fromStdString(s->servers[b].name)).arg(counts[b]));
        }
        if (none > 0) {
            p.fillRect(QRect(x, y, sw, sw), BackendPalette::colourFor(-1));
            x += sw + 4;
            label(tr("no request yet (%1)").arg(none));
        }
    }
    const QRectF swatch(x, y, sw, sw);
    p.fillRect(swatch, QColor(110, 110, 110));
    drawPinMark(p, swatch);
    x += sw + 4;
    label(tr("pinned"));
    const QRectF ring(x, y, sw, sw);
    p.fillRect(ring, QColor(110, 110, 110));
    drawIpRing(p, ring, 1.0);
    x += sw + 4;
    label(tr("IP changed"));
    const QRectF miss(x, y, sw, sw);
    p.fillRect(miss, QColor(110, 110, 110));
    drawMissMark(p, miss, 1.0);
    x += sw + 4;
    label(tr("session miss"));
    p.setPen(QPen(QColor(20, 20, 20), 1.5));
    p.setBrush(QColor(110, 110, 110));
    p.drawPolygon(diamond(QRectF(x, y, sw, sw)));
    x += sw + 4;
    label(tr("outside client"));
}

void AssignmentMap::paintDetails(QPainter& p, const QRect& area) const
{
    const Snapshot* s = snap();
    const std::string selectedId = m_selectedId.toStdString();
    for (const ClientView& c : s->clients) {
        if (c.id != selectedId)
            continue;
        p.setPen(palette().color(QPalette::Text));
        p.drawText(area, Qt::AlignLeft | Qt::AlignVCenter, detailsText(c));
        return;
    }
}

void AssignmentMap::mousePressEvent(QMouseEvent* event)
{
    const int i = tileAt(event->position().toPoint());
    const ClientView* c = client(i);
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
