#include "ui/backend_palette.h"

#include <array>

namespace lblab::ui {

namespace {
// Okabe & Ito (2008), reordered so the first three are far apart; the red is kept for misses.
constexpr std::array<QRgb, 8> kColours = {
    0xFF0072B2, // blue
    0xFFE69F00, // orange
    0xFF009E73, // bluish green
    0xFFCC79A7, // reddish purple
    0xFF56B4E9, // sky blue
    0xFFF0E442, // yellow
    0xFF8C6D31, // brown (extends the set)
    0xFF7F7F7F, // grey
};
} // namespace

QColor BackendPalette::colourFor(int index)
{
    if (index < 0)
        return QColor(0xC8, 0xC8, 0xC8);
    return QColor::fromRgb(kColours[static_cast<std::size_t>(index) % kColours.size()]);
}

QColor BackendPalette::textOn(int index)
{
    const QColor c = colourFor(index);
    const double luminance = 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF();
    return luminance > 0.5 ? QColor(Qt::black) : QColor(Qt::white);
}

QColor BackendPalette::missColour() { return QColor(0xD5, 0x2B, 0x1E); }

QColor BackendPalette::ipChangeColour() { return QColor(0xFF, 0xFF, 0xFF); }

} // namespace lblab::ui
