#include "ui/chart_marker_layer.h"

#include <QFontMetrics>

#include <qcustomplot.h>

#include <algorithm>
#include <limits>

namespace lblab::ui {

namespace {

constexpr int kPadX = 3;
constexpr int kPadY = 1;
constexpr int kRowGap = 1;
constexpr int kMaxRows = 4;
constexpr int kLabelPointSize = 8;
constexpr const char* kLabelLayer = "markerLabels";

} // namespace

ChartMarkerLayer::ChartMarkerLayer(QCustomPlot* plot) : QObject(plot), m_plot(plot), m_font(plot->font())
{
    m_font.setPointSize(kLabelPointSize);
    // Labels on a layer of their own above the data and the lines, so no line crosses a label.
    if (!m_plot->layer(QLatin1String(kLabelLayer)))
        m_plot->addLayer(QLatin1String(kLabelLayer), m_plot->layer(QStringLiteral("main")), QCustomPlot::limAbove);
    // Rows and sides depend on the plot's pixels, known only once the plot has laid itself out.
    connect(m_plot, &QCustomPlot::afterLayout, this, &ChartMarkerLayer::relayout);
}

QColor ChartMarkerLayer::colourFor(ChartMarker::Kind kind)
{
    // Dark, so the dashed lines read as annotations beside the backends' bright Okabe-Ito lines.
    using K = ChartMarker::Kind;
    switch (kind) {
    case K::Policy: return QColor(0x6a, 0x3d, 0x9a);
    case K::ServerKilled:
    case K::BackendDown: return QColor(0x9b, 0x11, 0x11);
    case K::BackendUp:
    case K::BackendAdded: return QColor(0x1b, 0x6b, 0x35);
    case K::BackendRemoved: return QColor(0x44, 0x44, 0x44);
    case K::BackendDraining: return QColor(0x8a, 0x64, 0x00);
    case K::IpBurst: return QColor(0x8c, 0x51, 0x0a);
    case K::Note: return QColor(0x3c, 0x4d, 0x66);
    // The store's lines in black-red and black-green: every server at once, not one server's line.
    case K::StoreKilled: return QColor(0x6d, 0x00, 0x1a);
    case K::StoreBack: return QColor(0x0b, 0x4d, 0x24);
    }
    return Qt::darkGray;
}

void ChartMarkerLayer::setFont(const QFont& font)
{
    m_font = font;
    for (Items& items : m_items)
        items.text->setFont(m_font);
}

void ChartMarkerLayer::setMarkers(const std::deque<ChartMarker>& markers)
{
    m_markers.assign(markers.begin(), markers.end());
    while (m_items.size() < m_markers.size()) {
        Items items;
        items.line = new QCPItemStraightLine(m_plot);
        items.text = new QCPItemText(m_plot);
        items.text->position->setTypeX(QCPItemPosition::ptPlotCoords);
        items.text->position->setTypeY(QCPItemPosition::ptAbsolute);
        items.text->setPadding(QMargins(kPadX, kPadY, kPadX, kPadY));
        items.text->setBrush(QColor(255, 255, 255, 225));
        items.text->setPen(Qt::NoPen);
        items.text->setFont(m_font);
        items.text->setLayer(QLatin1String(kLabelLayer));
        items.line->setSelectable(false);
        items.text->setSelectable(false);
        m_items.push_back(items);
    }
    for (std::size_t i = 0; i < m_items.size(); ++i) {
        Items& items = m_items[i];
        const bool used = i < m_markers.size();
        items.line->setVisible(used);
        items.text->setVisible(false); // relayout shows the ones that find room
        if (!used)
            continue;
        const ChartMarker& m = m_markers[i];
        const QColor colour = colourFor(m.kind);
        QPen pen(colour);
        // The store's lines are heavier: what happened there happened to every server.
        const bool store = m.kind == ChartMarker::Kind::StoreKilled || m.kind == ChartMarker::Kind::StoreBack;
        pen.setWidthF(store ? 2.5 : 1.5);
        pen.setStyle(Qt::DashLine);
        items.line->setPen(pen);
        items.line->point1->setCoords(m.x, 0);
        items.line->point2->setCoords(m.x, 1);
        items.text->setText(m.label);
        items.text->setColor(colour);
    }
    m_rows.assign(m_markers.size(), -1);
    m_rects.assign(m_markers.size(), QRectF());
}

void ChartMarkerLayer::relayout()
{
    const QRect area = m_plot->axisRect()->rect();
    const QFontMetrics fm(m_font);
    const int height = fm.height() + 2 * kPadY;
    // Labels use at most the top half of the plot: the lines below them must stay readable too.
    const int rows = std::clamp(area.height() / 2 / (height + kRowGap), 1, kMaxRows);
    std::vector<std::vector<std::pair<double, double>>> taken(static_cast<std::size_t>(rows)); // by row: [left, right]
    const QCPRange range = m_plot->xAxis->range();
    for (std::size_t i = 0; i < m_markers.size(); ++i) {
        m_rows[i] = -1;
        m_rects[i] = QRectF();
        m_items[i].text->setVisible(false);
    }
    // What happened to the lab first, the teacher's notes in the room left: when rows run out, a
    // note's label goes before "s2 up" does.
    for (const bool notes : {false, true}) {
        for (std::size_t i = 0; i < m_markers.size(); ++i) {
            const ChartMarker& m = m_markers[i];
            if ((m.kind == ChartMarker::Kind::Note) != notes || !range.contains(m.x))
                continue;
            const double px = m_plot->xAxis->coordToPixel(m.x);
            // A label wider than a narrow chart is shortened rather than cut at the chart's edge.
            const bool fits = fm.horizontalAdvance(m.label) + 2 * kPadX <= area.width();
            const QString label = fits ? m.label : fm.elidedText(m.label, Qt::ElideRight, area.width() - 2 * kPadX);
            const double width = fm.horizontalAdvance(label) + 2 * kPadX;
            // Right of the line when it fits, else left of it, else as close as the plot allows: the
            // label stays inside the plot.
            double left = px;
            if (px + width > area.right())
                left = px - width >= area.left() ? px - width : std::max<double>(area.left(), area.right() - width);
            const double right = left + width;
            int row = -1;
            for (int r = 0; r < rows && row < 0; ++r) {
                const auto& used = taken[static_cast<std::size_t>(r)];
                const bool free = std::none_of(used.begin(), used.end(), [&](const std::pair<double, double>& u) {
                    return left < u.second + 2 && u.first < right + 2;
                });
                if (free)
                    row = r;
            }
            if (row < 0)
                continue; // no free row: the line alone says something happened here
            taken[static_cast<std::size_t>(row)].emplace_back(left, right);
            const double y = area.top() + 1 + row * (height + kRowGap);
            QCPItemText* text = m_items[i].text;
            text->setText(label);
            text->position->setCoords(m_plot->xAxis->pixelToCoord(left), y);
            text->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
            text->setVisible(true);
            m_rows[i] = row;
            m_rects[i] = QRectF(left, y, width, height);
        }
    }
}

QString ChartMarkerLayer::labelText(int i) const
{
    return i >= 0 && i < markerCount() ? m_markers[static_cast<std::size_t>(i)].label : QString();
}

double ChartMarkerLayer::lineX(int i) const
{
    return i >= 0 && i < markerCount() ? m_markers[static_cast<std::size_t>(i)].x
                                       : std::numeric_limits<double>::quiet_NaN();
}

int ChartMarkerLayer::labelRow(int i) const
{
    return i >= 0 && i < markerCount() ? m_rows[static_cast<std::size_t>(i)] : -1;
}

QRectF ChartMarkerLayer::labelRect(int i) const
{
    return i >= 0 && i < markerCount() ? m_rects[static_cast<std::size_t>(i)] : QRectF();
}

} // namespace lblab::ui
