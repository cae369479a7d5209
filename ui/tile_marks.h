#pragma once

#include <QColor>
#include <QPolygonF>
#include <QRect>
#include <QRectF>

class QPainter;

namespace lblab::ui {

/// The marks a map tile can carry, drawn the same way on the map and in its legend.
/// Each keeps its meaning by shape as well as colour, so it reads on every backend colour.
class TileMarks {
public:
    /// A white dot with a dark edge in the middle: the policy holds a pin for the client.
    /// On tiles under 16 px it is a pixel-aligned square dot (no antialiasing needed).
    static void drawPin(QPainter& p, const QRectF& r);
    /// A red corner triangle with a white edge, fading with `strength` (1 fresh, 0 gone): a session miss.
    static void drawMiss(QPainter& p, const QRectF& r, double strength);
    /// A bright ring on a dark halo, fading with `strength`: the client's address changed.
    static void drawIpRing(QPainter& p, const QRectF& r, double strength);
    /// An inner frame in the previous server's colour, thinning with `strength`: the client moved.
    /// Plain fills (no antialiasing), so thousands stay cheap; the colour stays pure as it fades.
    static void drawMoved(QPainter& p, const QRect& r, const QColor& previous, double strength);
    /// A diamond filled with `fill` and a dark edge: an outside client (curl, a browser).
    static void drawOutside(QPainter& p, const QRectF& r, const QColor& fill);
    /// The diamond's outline inside `r`.
    static QPolygonF diamond(const QRectF& r);
};

} // namespace lblab::ui
