#include "ui/flow_view.h"

#include "ui/backend_palette.h"
#include "ui/flow_words.h"
#include "ui/ui_text.h"

#include <QElapsedTimer>
#include <QFontMetrics>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <array>
#include <cmath>

namespace lblab::ui {

namespace {

constexpr int kFlowMargin = 10;
/// Where a trip is at each waypoint: client, balancer in, balancer out, server (arrives, leaves),
/// balancer out, balancer in, client. The first half goes there, the second comes back.
constexpr std::array<double, 8> kWaypointAt = {0.0, 0.22, 0.30, 0.45, 0.55, 0.70, 0.78, 1.0};
/// A client row stays red this long after one of its requests lost its session.
constexpr qint64 kLostShownMs = 2500;
/// The sampling ratio changes at most this often, so the note does not flicker.
constexpr qint64 kSampleHoldMs = 1500;
/// Flights kept at most, whatever the sampling says (the list is bounded).
constexpr std::size_t kMaxFlights = 4 * FlowView::kMaxInAir;
/// Requests one snapshot starts at most: a burst (or the first frames, before the rate is known)
/// is thinned evenly rather than drawn as a swarm.
constexpr std::size_t kMaxLaunchesPerSnapshot = 8;

QColor withAlpha(QColor c, int alpha)
{
    c.setAlpha(alpha);
    return c;
}

} // namespace

FlowView::FlowView(QWidget* parent) : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setFocusPolicy(Qt::ClickFocus);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    m_clock = [clock] { return clock->elapsed(); };
    m_frame.setInterval(33);
    connect(&m_frame, &QTimer::timeout, this, [this] {
        dropLanded();
        if (m_flights.empty())
            m_frame.stop();
        update();
    });
    setToolTip(tr("Each dot is one request: from its client to the balancer, on to the server it chose (the "
                  "dot has that server's colour), and back as a ring. A red ring: the request lost its session."));
}

void FlowView::dropLanded()
{
    const qint64 t = now();
    const int trip = tripMs();
    while (!m_flights.empty() && t - m_flights.front().startMs >= trip)
        m_flights.pop_front();
}

void FlowView::setClock(std::function<qint64()> nowMs) { m_clock = std::move(nowMs); }

int FlowView::tripMs() const
{
    const double speed = m_snapshot ? std::clamp(m_snapshot->speed, 0.01, 1.0) : 1.0;
    return std::min(kMaxTripMs, static_cast<int>(std::lround(kTripMs / speed)));
}

QString FlowView::samplingText() const
{
    return FlowWords::sampling(m_snapshot && m_snapshot->stepping, m_sampleEvery, m_rate);
}

int FlowView::rowOfClient(const QString& id) const
{
    const auto it = m_clientIndex.constFind(id);
    if (it == m_clientIndex.constEnd() || m_perRow <= 0)
        return -1;
    const int row = *it / m_perRow;
    return row < static_cast<int>(m_rows.size()) ? row : -1;
}

QRect FlowView::clientRowRect(int row) const
{
    const int n = static_cast<int>(m_rows.size());
    if (row < 0 || row >= n)
        return {};
    const int captionH = fontMetrics().height() + 8;
    const QRect area = m_clientsArea.adjusted(0, captionH, 0, 0);
    const int rowH = std::min(area.height() / std::max(1, n), fontMetrics().height() * 2 + 6);
    const int top = area.top() + (area.height() - rowH * n) / 2;
    return {area.left(), top + row * rowH + 2, area.width(), rowH - 4};
}

QRect FlowView::serverRect(int backend) const
{
    if (!m_snapshot || backend < 0 || backend >= static_cast<int>(m_snapshot->servers.size()))
        return {};
    int visible = 0, position = -1;
    for (std::size_t i = 0; i < m_snapshot->servers.size(); ++i) {
        if (m_snapshot->servers[i].state == BackendState::Removed)
            continue;
        if (static_cast<int>(i) == backend)
            position = visible;
        ++visible;
    }
    if (position < 0)
        return {};
    const int captionH = fontMetrics().height() + 8;
    const QRect area = m_serversArea.adjusted(0, captionH, 0, 0);
    const int gap = 8;
    const int boxH = std::min((area.height() - gap * (visible - 1)) / visible, fontMetrics().height() * 4);
    const int top = area.top() + (area.height() - (boxH * visible + gap * (visible - 1))) / 2;
    return {area.left(), top + position * (boxH + gap), area.width(), boxH};
}

int FlowView::laneY() const
{
    return m_balancer.top() + (m_compactBalancer ? fontMetrics().height() * 2 + 2 : fontMetrics().height() * 3 + 6);
}

QRect FlowView::tableArea() const
{
    const int gap = m_compactBalancer ? fontMetrics().height() / 2 : fontMetrics().height();
    return {m_balancer.left() + 8, laneY() + gap, m_balancer.width() - 16, m_balancer.bottom() - laneY() - gap - 6};
}

int FlowView::tableRowCount() const
{
    if (!m_snapshot || !m_snapshot->policyStateful)
        return 0;
    const int rowH = fontMetrics().height() + 6;
    const int caption = m_compactBalancer ? 0 : rowH; // a compact balancer's caption is above the box
    return std::clamp((tableArea().height() - caption) / rowH, 0, static_cast<int>(m_snapshot->table.size()));
}

QRect FlowView::tableRowRect(int row) const
{
    if (row < 0 || row >= tableRowCount())
        return {};
    const QRect area = tableArea();
    const int rowH = fontMetrics().height() + 6;
    return {area.left(), area.top() + rowH * (m_compactBalancer ? row : row + 1), area.width(), rowH - 2};
}

QString FlowView::tableCaption() const
{
    const QRect area = tableArea();
    if (!m_snapshot || (m_compactBalancer ? false : area.height() < fontMetrics().height() + 2))
        return {};
    QFont bold = font();
    bold.setBold(true);
    const std::size_t pins = m_snapshot->policyStateful ? m_snapshot->tableSize : 0;
    if (m_compactBalancer) // above the box, where "Clients" and "Servers" are
        return FlowWords::fitting(QFontMetrics(bold), FlowWords::balancerCaption(m_snapshot->policyStateful, pins),
                                  m_balancer.width());
    return m_snapshot->policyStateful
               ? FlowWords::fitting(QFontMetrics(bold), FlowWords::tableCaption(pins), area.width())
               : QString();
}

QString FlowView::clientsCaption() const
{
    if (!m_snapshot)
        return {};
    QFont bold = font();
    bold.setBold(true);
    return FlowWords::fitting(QFontMetrics(bold), FlowWords::clientsCaption(m_snapshot->clients.size(), m_perRow),
                              m_clientsArea.width());
}

void FlowView::relayout()
{
    const QFontMetrics fm = fontMetrics();
    const QRect all = rect().adjusted(kFlowMargin, kFlowMargin, -kFlowMargin, -kFlowMargin);
    // The title and the widest note the corner can show share one line when they fit, else the note
    // goes under the title. Decided here, not per note, so the drawing does not jump when the note changes;
    // step mode's note (at its speed) is the one it shows until the run goes on: a low view keeps the line.
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics boldFm(bold);
    const bool stepping = m_snapshot && m_snapshot->stepping;
    const int sampled = stepping ? 0 : boldFm.horizontalAdvance(FlowWords::sampling(false, 99, 9999));
    const int widestNote = boldFm.horizontalAdvance(FlowWords::speed(stepping ? m_snapshot->speed : 0.1)) +
                           std::max(boldFm.horizontalAdvance(FlowWords::sampling(true, 1, 0)), sampled);
    m_headerWrapped = fm.horizontalAdvance(FlowWords::title()) + 24 + widestNote > all.width();
    m_header = QRect(all.left(), all.top(), all.width(), (fm.height() + 6) * (m_headerWrapped ? 2 : 1));
    m_legend = QRect(all.left(), all.bottom() - fm.height() - 4, all.width(), fm.height() + 4);
    const QRect body(all.left(), m_header.bottom() + 8, all.width(), m_legend.top() - m_header.bottom() - 16);
    const int w = body.width();
    m_clientsArea = QRect(body.left(), body.top(), w * 22 / 100, body.height());
    const int balancerW = w * 28 / 100;
    m_balancer = QRect(body.left() + (w - balancerW) / 2, body.top() + fm.height() + 8, balancerW,
                       body.height() - fm.height() - 8);
    const int serversW = w * 20 / 100;
    m_serversArea = QRect(body.right() - serversW, body.top(), serversW, body.height());
    // A low view (step mode's banner below it, a 768 px screen) names the balancer above its box and
    // keeps one line in it, so its table keeps rows to show.
    m_compactBalancer = false;
    m_compactBalancer = (tableArea().height() - fm.height() - 6) / (fm.height() + 6) < 3;
    layoutRows();
}

void FlowView::layoutRows()
{
    const int clients = m_snapshot ? static_cast<int>(m_snapshot->clients.size()) : 0;
    const int rowH = fontMetrics().height() + 10;
    const int fit = std::clamp((m_clientsArea.height() - fontMetrics().height() - 8) / rowH, 1, kMaxClientRows);
    m_perRow = std::max(1, (clients + fit - 1) / fit);
    const int rows = (clients + m_perRow - 1) / m_perRow;
    std::vector<ClientRow> next(static_cast<std::size_t>(rows));
    for (int r = 0; r < rows; ++r) {
        ClientRow& row = next[static_cast<std::size_t>(r)];
        row.first = r * m_perRow;
        row.count = std::min(m_perRow, clients - row.first);
        const ClientView& c = m_snapshot->clients[static_cast<std::size_t>(row.first)];
        row.backend = c.backend;
        row.ip = toQString(formatIpv4(c.ip));
        // A row that keeps its clients keeps what the flights told it.
        if (static_cast<std::size_t>(r) < m_rows.size() && m_rows[static_cast<std::size_t>(r)].first == row.first) {
            row.lostMs = m_rows[static_cast<std::size_t>(r)].lostMs;
            if (m_rows[static_cast<std::size_t>(r)].backend >= 0)
                row.backend = m_rows[static_cast<std::size_t>(r)].backend;
        }
    }
    m_rows = std::move(next);
}

void FlowView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    relayout();
}

void FlowView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    relayout();
}

void FlowView::resetRun()
{
    m_flights.clear();
    m_rows.clear();
    m_clientIndex.clear();
    m_indexedClients = 0;
    m_seenEnd = 0;
    m_rateSamples.clear();
    m_rate = 0;
    m_sampleEvery = 1;
    m_sampleChangedMs = -1;
}

void FlowView::updateRate(std::uint64_t end)
{
    const qint64 t = now();
    m_rateSamples.emplace_back(t, end);
    while (m_rateSamples.size() > 2 && t - m_rateSamples[1].first >= 2000)
        m_rateSamples.pop_front();
    const qint64 span = t - m_rateSamples.front().first;
    if (span >= 250)
        m_rate = static_cast<double>(end - m_rateSamples.front().second) * 1000.0 / static_cast<double>(span);
    // Requests in the air if every one were drawn: the rate times a trip.
    const double inAir = m_rate * tripMs() / 1000.0;
    const int wanted = (m_snapshot && m_snapshot->stepping) ? 1 : std::max(1, static_cast<int>(std::ceil(inAir / kMaxInAir)));
    if (wanted != m_sampleEvery && (wanted > 2 * m_sampleEvery || m_sampleChangedMs < 0 || t - m_sampleChangedMs >= kSampleHoldMs ||
                                    wanted == 1)) {
        m_sampleEvery = wanted;
        m_sampleChangedMs = t;
    }
}

void FlowView::showSnapshot(std::shared_ptr<const Snapshot> snapshot)
{
    if (!snapshot)
        return;
    const bool newRun = m_snapshot && (snapshot->recentRequestsEnd < m_seenEnd || snapshot->tUs < m_snapshot->tUs);
    // Step mode (and its speed) changes the header's note, and its banner below takes height.
    const bool layoutChanged = !m_snapshot || m_snapshot->servers.size() != snapshot->servers.size() ||
                               m_snapshot->stepping != snapshot->stepping ||
                               (snapshot->stepping && m_snapshot->speed != snapshot->speed);
    m_snapshot = std::move(snapshot);
    const Snapshot& s = *m_snapshot;
    if (newRun)
        resetRun();
    if (s.clients.size() != m_indexedClients || m_rows.empty()) {
        m_clientIndex.clear();
        m_clientIndex.reserve(static_cast<int>(s.clients.size()));
        for (std::size_t i = 0; i < s.clients.size(); ++i)
            m_clientIndex.insert(toQString(s.clients[i].id), static_cast<int>(i));
        m_indexedClients = s.clients.size();
        layoutRows();
    }
    if (layoutChanged)
        relayout();
    updateRate(s.recentRequestsEnd);

    dropLanded();
    const std::uint64_t first = s.recentRequestsEnd - s.recentRequests.size() + 1;
    if (isVisible() && !s.recentRequests.empty()) {
        const qint64 t = now();
        const std::int64_t newestUs = s.recentRequests.back().tUs;
        const auto every = static_cast<std::uint64_t>(m_sampleEvery);
        const std::uint64_t from = std::max(first, m_seenEnd + 1);
        const std::uint64_t sampled = s.recentRequestsEnd >= from ? (s.recentRequestsEnd / every - (from - 1) / every) : 0;
        const std::uint64_t stride = std::max<std::uint64_t>(1, (sampled + kMaxLaunchesPerSnapshot - 1) / kMaxLaunchesPerSnapshot);
        std::uint64_t taken = 0;
        for (std::size_t i = 0; i < s.recentRequests.size(); ++i) {
            const std::uint64_t number = first + i;
            if (number < from || number % every != 0 || taken++ % stride != 0)
                continue;
            // Requests of one frame arrived over its length: they start that far apart, not all at once.
            const qint64 behindMs = std::clamp<qint64>((newestUs - s.recentRequests[i].tUs) / 1000, 0, 150);
            launch(s.recentRequests[i], t - behindMs);
        }
    }
    m_seenEnd = std::max(m_seenEnd, s.recentRequestsEnd);
    if (!m_flights.empty() && !m_frame.isActive())
        m_frame.start();
    update();
}

void FlowView::launch(const RequestEvent& event, qint64 startMs)
{
    const int row = rowOfClient(toQString(event.clientId));
    if (row < 0)
        return;
    Flight f;
    f.startMs = startMs;
    f.row = row;
    f.backend = event.backend;
    f.decision = event.decision;
    f.session = event.session;
    f.status = event.status;
    f.key = toQString(event.sessionKey);
    ClientRow& r = m_rows[static_cast<std::size_t>(row)];
    r.backend = event.backend;
    if (r.count == 1)
        r.ip = toQString(formatIpv4(event.clientIp));
    if (lostSession(event.session))
        r.lostMs = startMs + tripMs() * 3 / 4; // when its answer is back
    if (m_flights.size() >= kMaxFlights)
        m_flights.pop_front();
    m_flights.push_back(std::move(f));
}

QPoint FlowView::flightPoint(const Flight& f, double progress) const
{
    const QRect rowRect = clientRowRect(f.row);
    const QPoint client(rowRect.right(), rowRect.center().y());
    const QPoint in(m_balancer.left(), laneY());
    const QPoint out(m_balancer.right(), laneY());
    const QRect server = serverRect(f.backend);
    const QPoint at = server.isEmpty() ? out : QPoint(server.left(), server.center().y());
    const std::array<QPoint, 8> points = {client, in, out, at, at, out, in, client};
    progress = std::clamp(progress, 0.0, 1.0);
    for (std::size_t i = 1; i < points.size(); ++i) {
        if (progress <= kWaypointAt[i]) {
            const double span = kWaypointAt[i] - kWaypointAt[i - 1];
            const double u = span > 0 ? (progress - kWaypointAt[i - 1]) / span : 1.0;
            const QPointF a = points[i - 1], b = points[i];
            return (a + (b - a) * u).toPoint();
        }
    }
    return client;
}

void FlowView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    p.setClipRect(rect().adjusted(0, 0, -kFlowMargin, 0)); // a narrow view cuts the legend, not the frame
    p.setRenderHint(QPainter::Antialiasing, true);
    paintHeader(p);
    if (!m_snapshot) {
        p.drawText(rect(), Qt::AlignCenter, tr("No run yet"));
        return;
    }
    paintClients(p);
    paintBalancer(p);
    paintServers(p);
    paintFlights(p);
    paintLegend(p);
}

void FlowView::paintHeader(QPainter& p) const
{
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(palette().windowText().color());
    const int lineH = m_headerWrapped ? m_header.height() / 2 : m_header.height();
    const QRect titleLine(m_header.left(), m_header.top(), m_header.width(), lineH);
    const QRect noteLine = m_headerWrapped ? titleLine.translated(0, lineH) : titleLine;
    const QString speed = m_snapshot ? FlowWords::speed(m_snapshot->speed) : QString();
    const QString right = QFontMetrics(bold).elidedText(speed + samplingText(), Qt::ElideRight, noteLine.width() - 12);
    const int rightW = QFontMetrics(bold).horizontalAdvance(right) + 12;
    if (m_sampleEvery > 1 || !speed.isEmpty() || (m_snapshot && m_snapshot->stepping)) { // anything but plain flow stands out
        const QRect box(noteLine.right() - rightW, noteLine.top(), rightW, lineH);
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0xFF, 0xE0, 0x70));
        p.drawRoundedRect(box, 4, 4);
        p.setPen(Qt::black);
    }
    p.drawText(noteLine.adjusted(0, 0, -6, 0), Qt::AlignRight | Qt::AlignVCenter, right);
    p.setPen(palette().windowText().color());
    p.setFont(font());
    const int titleW = m_headerWrapped ? titleLine.width() : titleLine.width() - rightW - 12;
    p.drawText(QRect(titleLine.left(), titleLine.top(), titleW, lineH), Qt::AlignLeft | Qt::AlignVCenter,
               fontMetrics().elidedText(FlowWords::title(), Qt::ElideRight, titleW));
}

void FlowView::paintClients(QPainter& p) const
{
    const Snapshot& s = *m_snapshot;
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(palette().windowText().color());
    p.drawText(QRect(m_clientsArea.left(), m_clientsArea.top(), m_clientsArea.width(), fontMetrics().height() + 4),
               Qt::AlignLeft | Qt::AlignVCenter, clientsCaption());
    p.setFont(font());
    const qint64 t = now();
    const QColor base = palette().base().color();
    for (int r = 0; r < static_cast<int>(m_rows.size()); ++r) {
        const ClientRow& row = m_rows[static_cast<std::size_t>(r)];
        const QRect box = clientRowRect(r);
        const bool lost = row.lostMs >= 0 && t >= row.lostMs && t - row.lostMs < kLostShownMs;
        p.setPen(lost ? QPen(BackendPalette::missColour(), 3) : QPen(palette().mid().color(), 1));
        p.setBrush(base);
        p.drawRoundedRect(box, 4, 4);
        const int chipW = std::min(box.height(), 18);
        const QRect chip(box.right() - chipW - 4, box.center().y() - chipW / 2, chipW, chipW);
        p.setPen(Qt::NoPen);
        p.setBrush(BackendPalette::colourFor(row.backend));
        p.drawEllipse(chip);
        QString label;
        if (row.count == 1) {
            label = toQString(s.clients[static_cast<std::size_t>(row.first)].id) + QStringLiteral("  ") + row.ip;
        } else {
            label = toQString(s.clients[static_cast<std::size_t>(row.first)].id) + QStringLiteral(" – ") +
                    toQString(s.clients[static_cast<std::size_t>(row.first + row.count - 1)].id);
        }
        p.setPen(lost ? BackendPalette::missColour() : palette().text().color());
        const QRect text = box.adjusted(6, 0, -chipW - 10, 0);
        // A lost session says so in words when they fit; the red frame and text say it anyway.
        const QStringList wordings = lost ? QStringList{label + tr("  session lost"), label + tr("  lost"), label}
                                          : QStringList{label};
        p.drawText(text, Qt::AlignLeft | Qt::AlignVCenter, FlowWords::fitting(fontMetrics(), wordings, text.width()));
    }
}

void FlowView::paintBalancer(QPainter& p) const
{
    const Snapshot& s = *m_snapshot;
    const QFontMetrics fm = fontMetrics();
    QFont bold = font();
    bold.setBold(true);
    p.setPen(QPen(palette().windowText().color(), 2));
    p.setBrush(palette().base());
    p.drawRoundedRect(m_balancer, 8, 8);
    p.setFont(bold);
    const QRect title(m_balancer.left() + 8, m_balancer.top() + 4, m_balancer.width() - 16, fm.height() + 2);
    // A low view names the balancer above its box, beside "Clients" and "Servers", to keep the line inside.
    const QRect above(m_balancer.left(), m_clientsArea.top(), m_balancer.width(), fm.height() + 4);
    p.drawText(m_compactBalancer ? above : title, (m_compactBalancer ? Qt::AlignLeft : Qt::AlignHCenter) | Qt::AlignVCenter,
               m_compactBalancer ? tableCaption() : tr("Balancer"));
    p.setFont(font());
    p.setPen(palette().text().color());
    const QString policy = toQString(s.policy);
    p.drawText(m_compactBalancer ? title : title.translated(0, fm.height() + 2), Qt::AlignHCenter | Qt::AlignVCenter,
               FlowWords::fitting(fm, {tr("policy: %1").arg(policy), policy}, title.width()));
    // The lane the dots cross.
    p.setPen(QPen(palette().mid().color(), 1, Qt::DashLine));
    p.drawLine(m_balancer.left() + 4, laneY(), m_balancer.right() - 4, laneY());

    const QRect area = tableArea();
    if (!s.policyStateful) {
        p.setPen(palette().text().color());
        const int flags = Qt::AlignTop | Qt::AlignHCenter | Qt::TextWordWrap;
        const QString words = tr("No table: each request is decided on its own, from what it carries.");
        const bool fits = p.boundingRect(area, flags, words).height() <= area.height();
        p.drawText(area, flags, fits ? words : tr("No table"));
        return;
    }
    if (!m_compactBalancer) {
        p.setFont(bold);
        p.setPen(palette().windowText().color());
        p.drawText(QRect(area.left(), area.top(), area.width(), fm.height() + 2), Qt::AlignLeft | Qt::AlignVCenter,
                   tableCaption());
        p.setFont(font());
    }
    const int rows = tableRowCount();
    // A pin a request is using right now is lit in its server's colour.
    const qint64 t = now();
    const int trip = tripMs();
    for (int i = 0; i < rows; ++i) {
        const SessionRow& row = s.table[static_cast<std::size_t>(i)];
        const QRect line = tableRowRect(i);
        const QString key = toQString(row.key);
        bool lit = false;
        for (const Flight& f : m_flights) {
            const double progress = static_cast<double>(t - f.startMs) / trip;
            if (progress >= kWaypointAt[1] && progress <= kWaypointAt[3] && f.key == key) {
                lit = true;
                break;
            }
        }
        if (lit) {
            p.setPen(Qt::NoPen);
            p.setBrush(withAlpha(BackendPalette::colourFor(row.backend), 110));
            p.drawRoundedRect(line, 3, 3);
        }
        const QString server = row.backend >= 0 && row.backend < static_cast<int>(s.servers.size())
                                   ? toQString(s.servers[static_cast<std::size_t>(row.backend)].name)
                                   : QStringLiteral("?");
        const int serverW = fm.horizontalAdvance(QStringLiteral("→ ") + server) + 22;
        p.setPen(palette().text().color());
        p.drawText(line.adjusted(4, 0, -serverW, 0), Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(key, Qt::ElideMiddle, line.width() - serverW - 8));
        const QRect chip(line.right() - 16, line.center().y() - 6, 12, 12);
        p.setBrush(BackendPalette::colourFor(row.backend));
        p.setPen(Qt::NoPen);
        p.drawEllipse(chip);
        p.setPen(palette().text().color());
        p.drawText(line.adjusted(0, 0, -20, 0), Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("→ ") + server);
    }
}

void FlowView::paintServers(QPainter& p) const
{
    const Snapshot& s = *m_snapshot;
    const QFontMetrics fm = fontMetrics();
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(palette().windowText().color());
    p.drawText(QRect(m_serversArea.left(), m_serversArea.top(), m_serversArea.width(), fm.height() + 4),
               Qt::AlignLeft | Qt::AlignVCenter, tr("Servers"));
    for (std::size_t i = 0; i < s.servers.size(); ++i) {
        const BackendView& server = s.servers[i];
        const QRect box = serverRect(static_cast<int>(i));
        if (box.isEmpty())
            continue;
        const bool up = server.state == BackendState::Up || server.state == BackendState::Draining;
        const QColor colour = BackendPalette::colourFor(static_cast<int>(i));
        p.setPen(QPen(colour.darker(140), 2));
        p.setBrush(up && !server.killed ? colour : palette().window().color());
        if (!up || server.killed)
            p.setBrush(QBrush(colour, Qt::BDiagPattern));
        p.drawRoundedRect(box, 6, 6);
        const QColor text = up && !server.killed ? BackendPalette::textOn(static_cast<int>(i)) : palette().text().color();
        p.setPen(text);
        p.setFont(bold);
        const QRect inner = box.adjusted(8, 2, -8, -2);
        p.drawText(inner, Qt::AlignLeft | Qt::AlignTop, toQString(server.name) + QStringLiteral("  ") + FlowWords::state(server));
        p.setFont(font());
        // A narrow box puts the figures on two lines when it is tall enough, else keeps what fits whole.
        const QString req = tr("%1 req").arg(server.requests);
        const QString sessions = tr("%1 sessions").arg(server.sessions);
        const QString both = req + QStringLiteral(" · ") + sessions;
        if (fm.horizontalAdvance(both) > inner.width() && inner.height() >= 3 * fm.height())
            p.drawText(inner, Qt::AlignLeft | Qt::AlignBottom,
                       fm.elidedText(req, Qt::ElideRight, inner.width()) + QLatin1Char('\n') +
                           fm.elidedText(sessions, Qt::ElideRight, inner.width()));
        else if (inner.height() >= 2 * fm.height())
            p.drawText(inner, Qt::AlignLeft | Qt::AlignBottom, FlowWords::fitting(fm, {both, req}, inner.width()));
    }
}

void FlowView::paintFlights(QPainter& p) const
{
    const qint64 t = now();
    const int trip = tripMs();
    // A step's one request is drawn larger: the class follows that one dot.
    const int radius = std::max(5, fontMetrics().height() / 3) * (m_snapshot && m_snapshot->stepping ? 3 : 2) / 2;
    // Routes first, faint, so the dots sit on top of every line.
    for (const Flight& f : m_flights) {
        const QRect rowRect = clientRowRect(f.row);
        const QRect server = serverRect(f.backend);
        QPainterPath route(QPointF(rowRect.right(), rowRect.center().y()));
        route.lineTo(m_balancer.left(), laneY());
        route.lineTo(m_balancer.right(), laneY());
        if (!server.isEmpty())
            route.lineTo(server.left(), server.center().y());
        p.setPen(QPen(withAlpha(BackendPalette::colourFor(f.backend), 90), 2));
        p.setBrush(Qt::NoBrush);
        p.drawPath(route);
    }
    const bool label = m_flights.size() <= 12;
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.9);
    small.setBold(true);
    for (const Flight& f : m_flights) {
        const double progress = static_cast<double>(t - f.startMs) / trip;
        if (progress < 0 || progress > 1)
            continue;
        const QPoint at = flightPoint(f, progress);
        const QColor colour = BackendPalette::colourFor(f.backend);
        if (progress < 0.5) {
            p.setPen(QPen(colour.darker(170), 1.5));
            p.setBrush(colour);
            p.drawEllipse(at, radius, radius);
        } else {
            const bool lost = lostSession(f.session);
            p.setPen(QPen(lost ? BackendPalette::missColour() : colour, lost ? 4 : 3));
            p.setBrush(palette().base());
            p.drawEllipse(at, lost ? radius + 2 : radius, lost ? radius + 2 : radius);
            if (lost && label && progress > kWaypointAt[5]) {
                p.setFont(small);
                p.setPen(BackendPalette::missColour());
                p.drawText(at + QPoint(radius + 4, -radius - 2), tr("session lost"));
            }
        }
        const QString badge = FlowWords::badge(f.decision);
        // On its way from the balancer to the server: in the balancer it would cover the policy's name.
        if (!badge.isEmpty() && progress >= kWaypointAt[2] && progress <= kWaypointAt[3] - 0.03) {
            p.setFont(small);
            const QFontMetrics sm(small);
            const QRect box(at.x() - sm.horizontalAdvance(badge) / 2 - 6, at.y() - radius - sm.height() - 8,
                            sm.horizontalAdvance(badge) + 12, sm.height() + 4);
            p.setPen(Qt::NoPen);
            p.setBrush(FlowWords::badgeColour(f.decision));
            p.drawRoundedRect(box, 4, 4);
            p.setPen(BackendPalette::textOn(FlowWords::badgeColour(f.decision)));
            p.drawText(box, Qt::AlignCenter, badge);
        }
    }
    p.setFont(font());
}

void FlowView::paintLegend(QPainter& p) const
{
    const QFontMetrics fm = fontMetrics();
    const int r = std::max(5, fm.height() / 3);
    int x = m_legend.left();
    const int y = m_legend.center().y();
    auto text = [&](const QString& s) {
        p.setPen(palette().windowText().color());
        p.drawText(QPoint(x, y + fm.ascent() / 2 - 1), s);
        x += fm.horizontalAdvance(s) + 18;
    };
    // What the badges mean goes first when the legend would not fit whole (the badges' words stay).
    int wide = 6 * r + 20 + 3 * 18;
    for (const QString& w : {tr("request"), tr("answer"), tr("session lost"), FlowWords::badge(DecisionKind::NewPin),
                             FlowWords::badge(DecisionKind::Repinned), tr("a client's first pin"), tr("its server was gone")})
        wide += fm.horizontalAdvance(w);
    const bool meanings = wide + 2 * (12 + 8 + 18) <= m_legend.width();
    p.setPen(QPen(QColor(0x55, 0x55, 0x55), 1.5));
    p.setBrush(BackendPalette::colourFor(0));
    p.drawEllipse(QPoint(x + r, y), r, r);
    x += 2 * r + 6;
    text(tr("request"));
    p.setPen(QPen(BackendPalette::colourFor(0), 3));
    p.setBrush(palette().base());
    p.drawEllipse(QPoint(x + r, y), r, r);
    x += 2 * r + 6;
    text(tr("answer"));
    p.setPen(QPen(BackendPalette::missColour(), 4));
    p.drawEllipse(QPoint(x + r, y), r + 1, r + 1);
    x += 2 * r + 8;
    text(tr("session lost"));
    for (DecisionKind kind : {DecisionKind::NewPin, DecisionKind::Repinned}) {
        const QString badge = FlowWords::badge(kind);
        const QRect box(x, y - fm.height() / 2 - 1, fm.horizontalAdvance(badge) + 12, fm.height() + 2);
        p.setPen(Qt::NoPen);
        p.setBrush(FlowWords::badgeColour(kind));
        p.drawRoundedRect(box, 4, 4);
        p.setPen(Qt::black);
        p.drawText(box, Qt::AlignCenter, badge);
        x = box.right() + 8;
        if (meanings)
            text(kind == DecisionKind::NewPin ? tr("a client's first pin") : tr("its server was gone"));
        else
            x += 10;
    }
}

} // namespace lblab::ui
