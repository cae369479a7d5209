// Marker labels on a real plot: close markers go on separate rows, labels stay inside the plot.

#include "ui/chart_marker_layer.h"

#include "panels_qt_app.h"

#include <QApplication>

#include <qcustomplot.h>

#include <gtest/gtest.h>

#include <memory>

using lblab::ui::ChartMarker;
using lblab::ui::ChartMarkerLayer;

namespace {

ChartMarker marker(double x, const QString& label, ChartMarker::Kind kind = ChartMarker::Kind::BackendDown)
{
    ChartMarker m;
    m.x = x;
    m.label = label;
    m.kind = kind;
    return m;
}

class ChartMarkerLayerTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        lblab::test::panelsQtApp();
        plot = std::make_unique<QCustomPlot>();
        plot->resize(600, 260);
        plot->xAxis->setRange(0, 60);
        layer = new ChartMarkerLayer(plot.get());
        // Shown (offscreen), so sizes reach the plot at once rather than when it is first painted.
        plot->show();
        QApplication::processEvents();
    }

    void draw(const std::deque<ChartMarker>& markers)
    {
        layer->setMarkers(markers);
        plot->replot(QCustomPlot::rpImmediateRefresh);
    }

    std::unique_ptr<QCustomPlot> plot; // made in SetUp, once the application exists
    ChartMarkerLayer* layer = nullptr;
};

} // namespace

TEST_F(ChartMarkerLayerTest, CloseMarkersTakeSeparateRows)
{
    draw({marker(10, QStringLiteral("s2 killed")), marker(10.3, QStringLiteral("→ cookie-affinity")),
          marker(30, QStringLiteral("+ s4"))});
    ASSERT_EQ(layer->markerCount(), 3);
    EXPECT_EQ(layer->labelRow(0), 0);
    EXPECT_EQ(layer->labelRow(1), 1) << "0.3 s later: the first label is still in the way";
    EXPECT_EQ(layer->labelRow(2), 0) << "far away: back on the top row";
    EXPECT_FALSE(layer->labelRect(0).intersects(layer->labelRect(1)));
    EXPECT_DOUBLE_EQ(layer->lineX(1), 10.3);
    EXPECT_EQ(layer->labelText(2), QStringLiteral("+ s4"));
}

TEST_F(ChartMarkerLayerTest, LabelsStayInsideThePlot)
{
    draw({marker(59.5, QStringLiteral("37 IP changes"), ChartMarker::Kind::IpBurst),
          marker(70, QStringLiteral("beyond the axis"))});
    const QRect area = plot->axisRect()->rect();
    ASSERT_GE(layer->labelRow(0), 0);
    EXPECT_LE(layer->labelRect(0).right(), area.right() + 1.0) << "near the right edge it goes left of its line";
    EXPECT_GE(layer->labelRect(0).left(), area.left());
    EXPECT_EQ(layer->labelRow(1), -1) << "a marker outside the axis range shows no label";
}

TEST_F(ChartMarkerLayerTest, ManyMarkersAtOnceLeaveSomeLabelsOutRatherThanPileUp)
{
    plot->resize(600, 130); // room for two rows of labels
    std::deque<ChartMarker> many;
    for (int i = 0; i < 12; ++i)
        many.push_back(marker(20 + 0.05 * i, QStringLiteral("s%1 killed").arg(i)));
    draw(many);
    int shown = 0;
    for (int i = 0; i < layer->markerCount(); ++i) {
        if (layer->labelRow(i) < 0)
            continue;
        ++shown;
        for (int j = 0; j < i; ++j) {
            if (layer->labelRow(j) >= 0) {
                EXPECT_FALSE(layer->labelRect(i).intersects(layer->labelRect(j))) << i << " and " << j;
            }
        }
    }
    EXPECT_GE(shown, 1);
    EXPECT_LT(shown, 12);
    // The plot is taller: more rows.
    plot->resize(600, 600);
    plot->replot(QCustomPlot::rpImmediateRefresh);
    int shownTall = 0;
    for (int i = 0; i < layer->markerCount(); ++i)
        shownTall += layer->labelRow(i) >= 0 ? 1 : 0;
    EXPECT_GT(shownTall, shown);
}

TEST_F(ChartMarkerLayerTest, FewerMarkersHideTheRest)
{
    draw({marker(10, QStringLiteral("a")), marker(20, QStringLiteral("b"))});
    draw({marker(30, QStringLiteral("c"))});
    EXPECT_EQ(layer->markerCount(), 1);
    int visibleTexts = 0;
    for (int i = 0; i < plot->itemCount(); ++i)
        if (auto* text = qobject_cast<QCPItemText*>(plot->item(i)); text && text->visible())
            ++visibleTexts;
    EXPECT_EQ(visibleTexts, 1);
}

TEST_F(ChartMarkerLayerTest, NotesYieldTheirRowsToWhatHappenedToTheLab)
{
    // Four notes and then a server back up, all within half a second: at most four rows.
    std::deque<ChartMarker> markers;
    for (int i = 0; i < 4; ++i)
        markers.push_back(marker(10 + 0.1 * i, QStringLiteral("note number %1").arg(i), ChartMarker::Kind::Note));
    markers.push_back(marker(10.4, QStringLiteral("s2 up"), ChartMarker::Kind::BackendUp));
    draw(markers);
    EXPECT_EQ(layer->labelRow(4), 0) << "the server's label is placed first";
    int notesShown = 0;
    for (int i = 0; i < 4; ++i)
        notesShown += layer->labelRow(i) >= 0 ? 1 : 0;
    EXPECT_LE(notesShown, 3);
    EXPECT_GE(notesShown, 1);
}
