#include "ui/backend_palette.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace lblab::ui {

namespace {

// Drawn from Okabe & Ito (2008) and Paul Tol's schemes (muted, vibrant, rainbow). The set maximises the
// smallest CIEDE2000 difference over normal vision and the three simulated dichromacies (Machado et al.
// 2009) among those schemes' colours, with the grey and the miss red in the comparison; the order makes
// the first few (what most presets use) the farthest apart. The old Okabe-Ito order put blue and sky
// blue in s1 and s5 (apart by lightness only) and bluish green next to grey for deuteranopes.
constexpr std::array<QRgb, BackendPalette::kSize> kColours = {
    0xFF332288, // indigo (Tol muted)
    0xFFAE76A3, // light purple (Tol rainbow)
    0xFF009E73, // bluish green (Okabe-Ito)
    0xFFE69F00, // orange (Okabe-Ito)
    0xFFF7F056, // yellow (Tol rainbow)
    0xFF33BBEE, // cyan (Tol vibrant)
    0xFF1965B0, // blue (Tol rainbow)
    0xFF882255, // wine (Tol muted)
};

constexpr QRgb kNoBackend = 0xFFC8C8C8;

double linear(double channel)
{
    return channel <= 0.04045 ? channel / 12.92 : std::pow((channel + 0.055) / 1.055, 2.4);
}

double relativeLuminance(const QColor& c)
{
    return 0.2126 * linear(c.redF()) + 0.7152 * linear(c.greenF()) + 0.0722 * linear(c.blueF());
}

} // namespace

QColor BackendPalette::colourFor(int index)
{
    if (index < 0)
        return QColor::fromRgb(kNoBackend);
    return QColor::fromRgb(kColours[static_cast<std::size_t>(index) % kColours.size()]);
}

double BackendPalette::contrastRatio(const QColor& a, const QColor& b)
{
    const double la = relativeLuminance(a);
    const double lb = relativeLuminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor BackendPalette::textOn(const QColor& background)
{
    const QColor black(Qt::black);
    const QColor white(Qt::white);
    return contrastRatio(background, black) >= contrastRatio(background, white) ? black : white;
}

QColor BackendPalette::textOn(int index) { return textOn(colourFor(index)); }

QColor BackendPalette::missColour() { return QColor(0xD5, 0x2B, 0x1E); }

QColor BackendPalette::ipChangeColour() { return QColor(0xFF, 0xFF, 0xFF); }

} // namespace lblab::ui
