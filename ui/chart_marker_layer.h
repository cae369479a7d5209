#pragma once

#include "ui/chart_markers.h"

#include <QFont>
#include <QObject>
#include <QRectF>
#include <QString>

#include <deque>
#include <vector>

class QCustomPlot;
class QCPItemStraightLine;
class QCPItemText;

namespace lblab::ui {

/// Draws change markers on one time chart: a dashed vertical line per marker and its label at the
/// top. Labels of markers close together go on rows below one another; a label that would leave
/// the plot on the right goes left of its line; one that finds no free row is left out (its line
/// stays), so labels never pile up unreadably. Notes yield their rows to what happened to the lab.
class ChartMarkerLayer : public QObject {
    Q_OBJECT
public:
    /// Draws on `plot` (which owns the layer).
    explicit ChartMarkerLayer(QCustomPlot* plot);

    /// Shows these markers (the plot's replot places them).
    void setMarkers(const std::deque<ChartMarker>& markers);
    /// The labels' font.
    void setFont(const QFont& font);
    /// The labels' font.
    QFont font() const { return m_font; }

    /// Markers shown.
    int markerCount() const { return static_cast<int>(m_markers.size()); }
    /// The label of marker `i` (by time).
    QString labelText(int i) const;
    /// Where marker `i`'s line is, seconds since run start.
    double lineX(int i) const;
    /// The row of marker `i`'s label (0 at the top) after the last replot; -1 when it is not shown.
    int labelRow(int i) const;
    /// The box of marker `i`'s label in the plot's pixels after the last replot (empty when not shown).
    QRectF labelRect(int i) const;
    /// Colour of a marker's line and label.
    static QColor colourFor(ChartMarker::Kind kind);

private:
    struct Items {
        QCPItemStraightLine* line = nullptr;
        QCPItemText* text = nullptr;
    };

    void relayout();

    QCustomPlot* m_plot;
    QFont m_font;
    std::vector<ChartMarker> m_markers;
    std::vector<Items> m_items; ///< a pool: grows to the most markers shown, unused ones hidden
    std::vector<int> m_rows;
    std::vector<QRectF> m_rects;
};

} // namespace lblab::ui
