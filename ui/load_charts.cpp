#include "ui/load_charts.h"

#include "ui/backend_palette.h"
#include "ui/chart_marker_layer.h"

#include <QFileInfo>
#include <QFontMetrics>
#include <QGridLayout>
#include <QImage>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QPixmap>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace lblab::ui {

namespace {

// Point sizes at font scale 1.
constexpr double kTitlePoints = 11;
constexpr double kTickPoints = 9;
constexpr double kAxisLabelPoints = 9;
constexpr double kLegendPoints = 10;
constexpr double kMarkerPoints = 8;
constexpr double kImageTitlePoints = 12;
constexpr double kBarWidth = 0.6;

QCustomPlot* makePlot(QWidget* parent, const QString& title, bool withLegend = true)
{
    auto* plot = new QCustomPlot(parent);
    // Dense, fast-moving lines: antialiasing costs more than it shows (STYLE.md rule 8).
    plot->setNotAntialiasedElements(QCP::aeAll);
    plot->setAntialiasedElements(QCP::aeLegend | QCP::aeAxes);
    plot->setMinimumSize(200, 150);
    // Fonts are set by LoadCharts::applyFonts, which knows the scale.
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, title));
    plot->legend->setBrush(QColor(255, 255, 255, 210));
    plot->legend->setBorderPen(QPen(QColor(180, 180, 180)));
    plot->legend->setIconSize(22, 10);
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setMargins(QMargins(2, 0, 2, 0));
    plot->plotLayout()->setRowStretchFactor(0, 0.001);
    plot->plotLayout()->setRowSpacing(0);
    if (withLegend) {
        // The legend sits in a column of its own right of the axes, so it never covers the lines.
        plot->axisRect()->insetLayout()->take(plot->legend);
        auto* side = new QCPLayoutGrid;
        plot->plotLayout()->addElement(1, 1, side);
        side->addElement(0, 0, plot->legend);
        side->addElement(1, 0, new QCPLayoutElement(plot)); // pushes the legend to the top
        side->setRowStretchFactor(0, 0.001);
        plot->plotLayout()->setColumnStretchFactor(1, 0.001);
        plot->legend->setVisible(true);
    }
    plot->yAxis->setRange(0, 1);
    return plot;
}

QCPGraph* addLine(QCustomPlot* plot, const QColor& colour, const QString& name, Qt::PenStyle style = Qt::SolidLine)
{
    QCPGraph* graph = plot->addGraph();
    QPen pen(colour);
    pen.setWidthF(2);
    pen.setStyle(style);
    graph->setPen(pen);
    graph->setName(name);
    graph->setAntialiased(false);
    return graph;
}

double lastOf(const QCPGraph* graph)
{
    if (!graph || graph->data()->isEmpty())
        return std::numeric_limits<double>::quiet_NaN();
    return (graph->data()->constEnd() - 1)->value;
}

// Fits the value axis to the data held, from zero, with some headroom.
void fitValueAxis(QCustomPlot* plot, double minimumUpper)
{
    bool found = false;
    double upper = 0;
    for (int i = 0; i < plot->graphCount(); ++i) {
        const QCPRange r = plot->graph(i)->data()->valueRange(found);
        if (found)
            upper = std::max(upper, r.upper);
    }
    plot->yAxis->setRange(0, std::max(minimumUpper, upper * 1.15));
}

} // namespace

LoadCharts::LoadCharts(QWidget* parent)
    : QWidget(parent)
{
    m_rate = makePlot(this, tr("Requests per second"));
    m_active = makePlot(this, tr("Active connections"));
    m_latency = makePlot(this, tr("Latency ms (p99 dashed)"));
    m_sessions = makePlot(this, tr("Misses & breaks per s"));
    m_share = makePlot(this, tr("Share vs. ideal (dashed)"), false);
    for (QCustomPlot* plot : plots())
        m_titles.push_back(qobject_cast<QCPTextElement*>(plot->plotLayout()->element(0, 0)));
    for (QCustomPlot* plot : {m_rate, m_active, m_latency, m_sessions}) {
        plot->xAxis->setLabel(tr("seconds since start"));
        plot->xAxis->setLabelPadding(0);
        m_layers.push_back(new ChartMarkerLayer(plot));
    }
    m_share->xAxis->grid()->setVisible(false);

    m_misses = addLine(m_sessions, BackendPalette::missColour(), tr("misses"));
    m_breaks = addLine(m_sessions, QColor(0x55, 0x55, 0x55), tr("breaks"), Qt::DashLine);
    // Black and dash-dotted: not a server's colour, and not a server's dashed p99 either. A store
    // adds far less than a server takes, so its line runs along the bottom: on a layer of its own
    // above the servers' lines (below the marker labels), and heavier, so they do not hide it.
    m_storeP99 = addLine(m_latency, QColor(0x10, 0x10, 0x10), tr("store p99"), Qt::DashDotLine);
    QPen storePen = m_storeP99->pen();
    storePen.setWidthF(2.5);
    m_storeP99->setPen(storePen);
    m_latency->addLayer(QStringLiteral("store"), m_latency->layer(QStringLiteral("main")), QCustomPlot::limAbove);
    m_storeP99->setLayer(QStringLiteral("store"));
    m_storeP99->removeFromLegend(); // until a store adds latency

    m_share->yAxis->setLabel(tr("% of requests"));
    m_share->xAxis->setTicker(QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText));
    m_share->xAxis->setRange(-0.6, 0.6);
    m_share->yAxis->setRange(0, 100);

    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(4);
    // One row: the window gives the charts its full width along the bottom.
    grid->addWidget(m_rate, 0, 0);
    grid->addWidget(m_active, 0, 1);
    grid->addWidget(m_latency, 0, 2);
    grid->addWidget(m_sessions, 0, 3);
    grid->addWidget(m_share, 0, 4);
    applyFonts();
    setWindowSeconds(m_windowSeconds);
}

LoadCharts::~LoadCharts() = default;

void LoadCharts::setWindowSeconds(double seconds)
{
    m_windowSeconds = std::max(1.0, seconds);
    for (QCustomPlot* plot : {m_rate, m_active, m_latency, m_sessions})
        plot->xAxis->setRange(0, m_windowSeconds);
}

std::vector<QCustomPlot*> LoadCharts::plots() const { return {m_rate, m_active, m_latency, m_sessions, m_share}; }

void LoadCharts::setFontScale(double scale)
{
    m_fontScale = std::clamp(scale, 0.5, 4.0);
    applyFonts();
    for (QCustomPlot* plot : plots())
        plot->replot(QCustomPlot::rpQueuedReplot);
}

QFont LoadCharts::titleFont() const { return scaledFont(kTitlePoints, true); }

QFont LoadCharts::shownTitleFont(int plot) const { return m_titles.at(static_cast<std::size_t>(plot))->font(); }

void LoadCharts::fitTitles()
{
    // Large text on a projector must not cut a title ("tency ms (p99 dashe"): a title too wide for
    // its chart gets smaller (down to 7 pt, where a narrow chart would cut it anyway).
    const QFont nominal = titleFont();
    constexpr double floor = 7.0;
    const std::vector<QCustomPlot*> all = plots();
    for (std::size_t i = 0; i < m_titles.size(); ++i) {
        QFont f = nominal;
        // The title sits above the axes only: the legend's column beside them is not its room.
        const QCPLegend* legend = all[i]->legend;
        const int room = all[i]->width() - (legend->visible() ? legend->minimumOuterSizeHint().width() : 0) - 8;
        while (room > 0 && f.pointSizeF() > floor && QFontMetrics(f).horizontalAdvance(m_titles[i]->text()) > room)
            f.setPointSizeF(std::max(floor, f.pointSizeF() - 0.5));
        if (m_titles[i]->font() != f) {
            m_titles[i]->setFont(f);
            all[i]->replot(QCustomPlot::rpQueuedReplot);
        }
    }
}

void LoadCharts::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fitTitles();
}

QFont LoadCharts::scaledFont(double points, bool bold) const
{
    QFont f = font();
    f.setPointSizeF(points * m_fontScale);
    f.setBold(bold);
    return f;
}

void LoadCharts::applyFonts()
{
    auto sized = [this](double points, bool bold = false) { return scaledFont(points, bold); };
    for (QCPTextElement* title : m_titles)
        title->setFont(sized(kTitlePoints, true));
    for (QCustomPlot* plot : plots()) {
        for (QCPAxis* axis : {plot->xAxis, plot->yAxis}) {
            axis->setTickLabelFont(sized(kTickPoints));
            axis->setLabelFont(sized(kAxisLabelPoints));
        }
        plot->legend->setFont(sized(kLegendPoints)); // the legend passes it on to its items
    }
    for (ChartMarkerLayer* layer : m_layers)
        layer->setFont(sized(kMarkerPoints));
    fitTitles();
}

const ChartMarkerLayer* LoadCharts::markerLayer(Series series) const
{
    switch (series) {
    case Series::RequestRate: return m_layers[0];
    case Series::ActiveConnections: return m_layers[1];
    case Series::LatencyP50:
    case Series::LatencyP99: return m_layers[2];
    case Series::SessionMisses:
    case Series::AffinityBreaks: return m_layers[3];
    case Series::StoreLatencyP99: return m_layers[2];
    case Series::Share:
    case Series::IdealShare: return nullptr;
    }
    return nullptr;
}

void LoadCharts::clearAll()
{
    for (ServerGraphs& s : m_servers) {
        m_rate->removeGraph(s.rate);
        m_active->removeGraph(s.active);
        m_latency->removeGraph(s.p50);
        m_latency->removeGraph(s.p99);
        m_share->removePlottable(s.share);
        m_share->removeItem(s.ideal);
    }
    m_servers.clear();
    m_names.clear();
    m_misses->data()->clear();
    m_breaks->data()->clear();
    m_storeP99->data()->clear();
    m_storeP99->removeFromLegend();
    fitTitles();
    m_lastEndUs = -1;
    m_storeLastEndUs = -1;
    m_markers.clear();
    for (ChartMarkerLayer* layer : m_layers)
        layer->setMarkers(m_markers.markers());
    setWindowSeconds(m_windowSeconds);
}

void LoadCharts::ensureBackends(const Snapshot& snapshot)
{
    std::size_t count = snapshot.servers.size();
    for (const IntervalRow& row : snapshot.history)
        count = std::max(count, row.servers.size());
    const std::size_t before = m_servers.size();
    while (m_servers.size() < count) {
        const int index = static_cast<int>(m_servers.size());
        const QColor colour = BackendPalette::colourFor(index);
        const QString name = QStringLiteral("s%1").arg(index + 1);
        ServerGraphs s;
        s.rate = addLine(m_rate, colour, name);
        s.active = addLine(m_active, colour, name);
        s.p50 = addLine(m_latency, colour, name);
        s.p99 = addLine(m_latency, colour, name, Qt::DashLine);
        s.p99->removeFromLegend();
        s.share = new QCPBars(m_share->xAxis, m_share->yAxis);
        s.share->setWidth(kBarWidth);
        s.share->setPen(QPen(colour.darker(130)));
        s.share->setBrush(colour);
        s.share->setName(name);
        s.share->setAntialiased(false);
        s.ideal = new QCPItemLine(m_share);
        QPen tick(QColor(0x20, 0x20, 0x20));
        tick.setWidthF(2.5);
        tick.setStyle(Qt::DashLine);
        s.ideal->setPen(tick);
        m_servers.push_back(s);
        m_names.emplace_back();
    }
    m_share->xAxis->setRange(-0.6, std::max<double>(0.6, static_cast<double>(m_servers.size()) - 0.4));
    if (m_servers.size() != before)
        fitTitles(); // the legends grew
}

void LoadCharts::updateNames(const Snapshot& snapshot)
{
    bool changed = false;
    for (std::size_t i = 0; i < snapshot.servers.size() && i < m_servers.size(); ++i) {
        if (m_names[i] == snapshot.servers[i].name)
            continue;
        m_names[i] = snapshot.servers[i].name;
        const QString name = QString::fromStdString(m_names[i]);
        m_servers[i].rate->setName(name);
        m_servers[i].active->setName(name);
        m_servers[i].p50->setName(name);
        m_servers[i].p99->setName(name + QStringLiteral(" p99"));
        m_servers[i].share->setName(name);
        changed = true;
    }
    auto ticker = qSharedPointerDynamicCast<QCPAxisTickerText>(m_share->xAxis->ticker());
    if (!changed && static_cast<std::size_t>(ticker->ticks().size()) == m_servers.size())
        return;
    ticker->clear();
    for (std::size_t i = 0; i < m_servers.size(); ++i) {
        const QString label = i < m_names.size() && !m_names[i].empty() ? QString::fromStdString(m_names[i])
                                                                         : QStringLiteral("s%1").arg(i + 1);
        ticker->addTick(static_cast<double>(i), label);
    }
}

void LoadCharts::updateShares(const Snapshot& snapshot)
{
    const double fromUs = static_cast<double>(m_lastEndUs) - m_windowSeconds * 1e6;
    std::vector<double> requests(m_servers.size(), 0.0);
    double total = 0;
    for (const IntervalRow& row : snapshot.history) {
        if (static_cast<double>(row.endUs) <= fromUs)
            continue;
        for (std::size_t i = 0; i < row.servers.size() && i < requests.size(); ++i) {
            requests[i] += static_cast<double>(row.servers[i].requests);
            total += static_cast<double>(row.servers[i].requests);
        }
    }
    double weightUp = 0;
    for (const BackendView& s : snapshot.servers)
        if (s.state == BackendState::Up)
            weightUp += std::max(0, s.weight);
    double top = 10;
    for (std::size_t i = 0; i < m_servers.size(); ++i) {
        ServerGraphs& s = m_servers[i];
        const double share = total > 0 ? 100.0 * requests[i] / total : 0.0;
        s.share->data()->clear();
        s.share->addData(static_cast<double>(i), share);
        const bool up = i < snapshot.servers.size() && snapshot.servers[i].state == BackendState::Up;
        s.idealValue = up && weightUp > 0 ? 100.0 * std::max(0, snapshot.servers[i].weight) / weightUp : 0.0;
        const double x = static_cast<double>(i);
        s.ideal->start->setCoords(x - kBarWidth * 0.75, s.idealValue);
        s.ideal->end->setCoords(x + kBarWidth * 0.75, s.idealValue);
        top = std::max({top, share, s.idealValue});
    }
    m_share->yAxis->setRange(0, std::min(100.0, top * 1.15 + 2));
}

void LoadCharts::showSnapshot(const lblab::Snapshot& snapshot)
{
    // A new run starts its clock again (and a replay scrubbed back does too): drop what belongs to
    // the old one.
    const std::int64_t newest = snapshot.history.empty() ? -1 : snapshot.history.back().endUs;
    const bool clockBack = (m_shownUs >= 0 && snapshot.tUs < m_shownUs) ||
                           (m_lastEndUs >= 0 && ((newest >= 0 && newest < m_lastEndUs) ||
                                                 (newest < 0 && snapshot.tUs < m_lastEndUs)));
    if (clockBack)
        clearAll();
    m_shownUs = snapshot.tUs;
    m_preset = QString::fromStdString(snapshot.preset);
    m_policy = QString::fromStdString(snapshot.policy);

    const bool markersChanged = m_markers.addFromLog(snapshot.log);
    const bool newData = newest > m_lastEndUs;
    const std::vector<StoreInterval>& store = snapshot.store.history;
    const bool newStoreData = snapshot.store.kind != SessionStoreKind::Local && !store.empty() &&
                              store.back().endUs > m_storeLastEndUs;
    if (!newData && !markersChanged && !newStoreData)
        return; // nothing new: no work, no replot
    if (newData)
        appendIntervals(snapshot, newest);
    if (newStoreData)
        appendStoreIntervals(snapshot.store);
    // Markers leave with the data they stand among.
    if (m_lastEndUs >= 0)
        m_markers.removeBefore(static_cast<double>(m_lastEndUs) / 1e6 - m_windowSeconds);
    for (ChartMarkerLayer* layer : m_layers)
        layer->setMarkers(m_markers.markers());

    for (QCustomPlot* plot : plots())
        plot->replot(QCustomPlot::rpQueuedReplot);
    ++m_replots;
}

void LoadCharts::appendIntervals(const Snapshot& snapshot, std::int64_t newest)
{
    ensureBackends(snapshot);
    updateNames(snapshot);

    auto first = snapshot.history.end();
    while (first != snapshot.history.begin() && std::prev(first)->endUs > m_lastEndUs)
        --first;

    const std::size_t n = m_servers.size();
    const auto count = static_cast<qsizetype>(std::distance(first, snapshot.history.end()));
    std::vector<QVector<double>> rateKeys(n), rate(n), activeKeys(n), active(n), p50(n), p99(n), latencyKeys(n);
    QVector<double> sessionKeys, misses, breaks;
    sessionKeys.reserve(count);
    misses.reserve(count);
    breaks.reserve(count);
    for (auto it = first; it != snapshot.history.end(); ++it) {
        const IntervalRow& row = *it;
        if (row.lengthUs <= 0)
            continue;
        const double x = static_cast<double>(row.endUs) / 1e6;
        const double seconds = static_cast<double>(row.lengthUs) / 1e6;
        for (std::size_t i = 0; i < row.servers.size() && i < n; ++i) {
            const BackendInterval& si = row.servers[i];
            rateKeys[i].push_back(x);
            rate[i].push_back(static_cast<double>(si.requests) / seconds);
            activeKeys[i].push_back(x);
            active[i].push_back(si.active);
            // An interval with no requests has no latency to show.
            if (si.requests > 0) {
                latencyKeys[i].push_back(x);
                p50[i].push_back(si.p50Us / 1000.0);
                p99[i].push_back(si.p99Us / 1000.0);
            }
        }
        sessionKeys.push_back(x);
        misses.push_back(static_cast<double>(row.sessionMisses) / seconds);
        breaks.push_back(static_cast<double>(row.affinityBreaks) / seconds);
    }
    m_lastEndUs = newest;
    const double now = static_cast<double>(newest) / 1e6;
    const double cut = now - m_windowSeconds;
    for (std::size_t i = 0; i < n; ++i) {
        ServerGraphs& s = m_servers[i];
        s.rate->addData(rateKeys[i], rate[i], true);
        s.active->addData(activeKeys[i], active[i], true);
        s.p50->addData(latencyKeys[i], p50[i], true);
        s.p99->addData(latencyKeys[i], p99[i], true);
        for (QCPGraph* g : {s.rate, s.active, s.p50, s.p99})
            g->data()->removeBefore(cut);
    }
    m_misses->addData(sessionKeys, misses, true);
    m_breaks->addData(sessionKeys, breaks, true);
    m_misses->data()->removeBefore(cut);
    m_breaks->data()->removeBefore(cut);

    const double lower = std::max(0.0, cut);
    for (QCustomPlot* plot : {m_rate, m_active, m_latency, m_sessions})
        plot->xAxis->setRange(lower, lower + m_windowSeconds);
    fitValueAxis(m_rate, 10);
    fitValueAxis(m_active, 4);
    fitValueAxis(m_latency, 5);
    fitValueAxis(m_sessions, 1);
    updateShares(snapshot);
}

void LoadCharts::appendStoreIntervals(const StoreView& store)
{
    QVector<double> keys, p99;
    for (auto it = store.history.rbegin(); it != store.history.rend() && it->endUs > m_storeLastEndUs; ++it) {
        // An interval with no store operation added nothing.
        if (it->ops == 0)
            continue;
        keys.push_front(static_cast<double>(it->endUs) / 1e6);
        p99.push_front(it->p99Us / 1000.0);
    }
    m_storeLastEndUs = store.history.back().endUs;
    if (!keys.isEmpty() && !m_latency->legend->hasItemWithPlottable(m_storeP99)) {
        m_storeP99->addToLegend();
        fitTitles(); // a wider legend leaves the title less room
    }
    m_storeP99->addData(keys, p99, true);
    // The servers' intervals set the window; the store's end with them.
    const double now = static_cast<double>(std::max(m_lastEndUs, m_storeLastEndUs)) / 1e6;
    m_storeP99->data()->removeBefore(now - m_windowSeconds);
    fitValueAxis(m_latency, 5);
}

const QCPGraph* LoadCharts::timeGraph(Series series, int server) const
{
    const bool valid = server >= 0 && static_cast<std::size_t>(server) < m_servers.size();
    switch (series) {
    case Series::RequestRate: return valid ? m_servers[server].rate : nullptr;
    case Series::ActiveConnections: return valid ? m_servers[server].active : nullptr;
    case Series::LatencyP50: return valid ? m_servers[server].p50 : nullptr;
    case Series::LatencyP99: return valid ? m_servers[server].p99 : nullptr;
    case Series::SessionMisses: return m_misses;
    case Series::AffinityBreaks: return m_breaks;
    case Series::StoreLatencyP99: return m_storeP99;
    case Series::Share:
    case Series::IdealShare: return nullptr;
    }
    return nullptr;
}

int LoadCharts::graphPointCount(Series series, int server) const
{
    const bool valid = server >= 0 && static_cast<std::size_t>(server) < m_servers.size();
    if (series == Series::Share)
        return valid ? m_servers[server].share->data()->size() : 0;
    if (series == Series::IdealShare)
        return valid ? 1 : 0;
    const QCPGraph* graph = timeGraph(series, server);
    return graph ? graph->data()->size() : 0;
}

double LoadCharts::lastValue(Series series, int server) const
{
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    const bool valid = server >= 0 && static_cast<std::size_t>(server) < m_servers.size();
    if (series == Series::Share) {
        if (!valid || m_servers[server].share->data()->isEmpty())
            return nan;
        return m_servers[server].share->data()->constBegin()->value;
    }
    if (series == Series::IdealShare)
        return valid ? m_servers[server].idealValue : nan;
    return lastOf(timeGraph(series, server));
}

double LoadCharts::firstKey(Series series, int server) const
{
    const QCPGraph* graph = timeGraph(series, server);
    if (!graph || graph->data()->isEmpty())
        return std::numeric_limits<double>::quiet_NaN();
    return graph->data()->constBegin()->key;
}

QString LoadCharts::policyText() const
{
    // Every policy in force inside the window, in order: the switches there say which.
    QStringList chain;
    for (const ChartMarker& m : m_markers.markers()) {
        if (m.kind != ChartMarker::Kind::Policy)
            continue;
        if (chain.isEmpty() && !m.fromPolicy.isEmpty())
            chain << m.fromPolicy;
        if (chain.isEmpty() || chain.back() != m.policy)
            chain << m.policy;
    }
    if (!m_policy.isEmpty() && (chain.isEmpty() || chain.back() != m_policy))
        chain << m_policy;
    if (chain.size() > 3)
        chain = QStringList{chain.front(), QStringLiteral("…"), chain.back()};
    return chain.join(QStringLiteral(" → "));
}

QString LoadCharts::imageTitle() const
{
    QStringList parts{QStringLiteral("LB Lab")};
    if (!m_preset.isEmpty())
        parts << m_preset;
    const QString policy = policyText();
    if (!policy.isEmpty())
        parts << tr("policy %1").arg(policy);
    if (m_shownUs >= 0)
        parts << QStringLiteral("t = %1 s").arg(QString::number(static_cast<double>(m_shownUs) / 1e6, 'f', 1));
    return parts.join(QStringLiteral(" · "));
}

void LoadCharts::drawTitle(QPainter& painter, const QRect& band) const
{
    painter.save();
    painter.fillRect(band, Qt::white);
    painter.setFont(scaledFont(kImageTitlePoints, true));
    painter.setPen(QColor(0x20, 0x20, 0x20));
    const QRect text = band.adjusted(8, 0, -8, 0);
    painter.drawText(text, Qt::AlignLeft | Qt::AlignVCenter,
                     painter.fontMetrics().elidedText(imageTitle(), Qt::ElideRight, text.width()));
    painter.restore();
}

bool LoadCharts::saveImage(const QString& file)
{
    const QString suffix = QFileInfo(file).suffix().toLower();
    if (suffix != QLatin1String("png") && suffix != QLatin1String("pdf"))
        return false;
    // A panel that was never shown has no geometry yet, and one hidden with its dock (while another
    // panel is enlarged) may be a strip: give it a printable one, no narrower than it was and wide
    // enough for five charts of their least width (at 1000 px the last one was cut).
    if (!isVisible() && (width() < 400 || height() < 300))
        resize(QSize(width() < 400 ? 1000 : width(), 600).expandedTo(minimumSizeHint()));
    if (layout())
        layout()->activate();
    for (QCustomPlot* plot : plots())
        plot->replot(QCustomPlot::rpImmediateRefresh);

    // A picture shown a week later must say what it shows: a title band above the charts.
    const int band = QFontMetrics(scaledFont(kImageTitlePoints, true)).height() + 12;

    if (suffix == QLatin1String("png")) {
        const QPixmap charts = grab();
        const qreal ratio = charts.devicePixelRatio();
        QImage image(charts.width(), charts.height() + qRound(band * ratio), QImage::Format_RGB32);
        image.setDevicePixelRatio(ratio);
        image.fill(Qt::white);
        QPainter painter(&image);
        drawTitle(painter, QRect(0, 0, width(), band));
        painter.drawPixmap(QPointF(0, band), charts);
        painter.end();
        return image.save(file, "PNG");
    }

    QPdfWriter writer(file);
    writer.setResolution(72); // one point per pixel, so geometry maps 1:1
    writer.setPageSize(QPageSize(QSizeF(width(), height() + band), QPageSize::Point));
    writer.setPageMargins(QMarginsF(0, 0, 0, 0));
    writer.setTitle(imageTitle());
    writer.setCreator(QStringLiteral("LB Lab"));
    QCPPainter painter;
    if (!painter.begin(&writer))
        return false;
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    drawTitle(painter, QRect(0, 0, width(), band));
    for (QCustomPlot* plot : plots()) {
        painter.save();
        painter.translate(plot->geometry().topLeft() + QPoint(0, band));
        plot->toPainter(&painter, plot->width(), plot->height());
        painter.restore();
    }
    return painter.end();
}

} // namespace lblab::ui
