#include "ui/tile_marks.h"

#include "ui/backend_palette.h"

#include <QPainter>
#include <QPen>

#include <algorithm>
#include <cmath>

namespace lblab::ui {

void TileMarks::drawPin(QPainter& p, const QRectF& r)
{
    if (r.width() < 16) {
        // A small tile: a crisp pixel-aligned dot (dark edge, white core) reads better than a blurred
        // or lopsided circle of four pixels, and thousands of them cost two fills each.
        const int d = r.width() < 12 ? 5 : 6;
        const QPoint centre = r.center().toPoint();
        const QRect box(centre.x() - d / 2, centre.y() - d / 2, d, d);
        p.fillRect(box, QColor(20, 20, 20));
        p.fillRect(box.adjusted(1, 1, -1, -1), Qt::white);
        return;
    }
    const double d = std::max(3.0, r.width() * 0.36);
    const QRectF dot(r.center().x() - d / 2, r.center().y() - d / 2, d, d);
    p.setPen(QPen(QColor(20, 20, 20), std::max(1.0, d / 5)));
    p.setBrush(Qt::white);
    p.drawEllipse(dot);
}

void TileMarks::drawMiss(QPainter& p, const QRectF& r, double strength)
{
    QColor red = BackendPalette::missColour();
    red.setAlphaF(0.35 + 0.65 * strength);
    const double s = std::max(4.0, r.width() * 0.5);
    QPolygonF tri;
    tri << QPointF(r.right() - s, r.top()) << QPointF(r.right(), r.top()) << QPointF(r.right(), r.top() + s);
    // A white edge keeps the red apart from the darker tiles (wine, indigo) it may sit on.
    QColor edge(Qt::white);
    edge.setAlphaF(0.35 + 0.65 * strength);
    p.setPen(QPen(edge, std::max(1.0, r.width() / 40)));
    p.setBrush(red);
    p.drawPolygon(tri);
}

void TileMarks::drawIpRing(QPainter& p, const QRectF& r, double strength)
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

void TileMarks::drawMoved(QPainter& p, const QRect& r, const QColor& previous, double strength)
{
    // Fading by thickness rather than alpha: a half-transparent frame would blend into a colour that
    // belongs to no server.
    const double full = std::min(r.width() / 3.0, std::max(3.0, r.width() * 0.22));
    const int w = std::max(1, static_cast<int>(std::lround(full * (0.35 + 0.65 * std::clamp(strength, 0.0, 1.0)))));
    if (r.width() < 2 * w + 1 || r.height() < 2 * w + 1) {
        p.fillRect(r, previous);
        return;
    }
    p.fillRect(QRect(r.left(), r.top(), r.width(), w), previous);
    p.fillRect(QRect(r.left(), r.bottom() - w + 1, r.width(), w), previous);
    p.fillRect(QRect(r.left(), r.top() + w, w, r.height() - 2 * w), previous);
    p.fillRect(QRect(r.right() - w + 1, r.top() + w, w, r.height() - 2 * w), previous);
}

QPolygonF TileMarks::diamond(const QRectF& r)
{
    QPolygonF d;
    d << QPointF(r.center().x(), r.top()) << QPointF(r.right(), r.center().y()) << QPointF(r.center().x(), r.bottom())
      << QPointF(r.left(), r.center().y());
    return d;
}

void TileMarks::drawOutside(QPainter& p, const QRectF& r, const QColor& fill)
{
    p.setPen(QPen(QColor(20, 20, 20), 1.5));
    p.setBrush(fill);
    p.drawPolygon(diamond(r.adjusted(0.5, 0.5, -0.5, -0.5)));
}

} // namespace lblab::ui
