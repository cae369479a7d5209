#pragma once

#include <QColor>
#include <QString>

namespace lblab::ui {

/// The backends' colours, chosen and ordered so that all eight stay apart from each other, from the
/// "no request yet" grey and from the session-miss red, for normal vision and for simulated
/// protanopia, deuteranopia and tritanopia (tests/ui/backend_palette_test.cpp computes it).
/// Every panel colours backend i with colourFor(i), so the map, cards and charts agree.
class BackendPalette {
public:
    /// Distinct backend colours before the palette repeats.
    static constexpr int kSize = 8;

    /// Colour of backend `index` (cycles after kSize; -1, no backend, is grey).
    static QColor colourFor(int index);
    /// Black or white, whichever contrasts more (WCAG) with colourFor(index).
    static QColor textOn(int index);
    /// Black or white, whichever contrasts more (WCAG) with `background`.
    static QColor textOn(const QColor& background);
    /// WCAG 2 contrast ratio of two colours (1 to 21).
    static double contrastRatio(const QColor& a, const QColor& b);
    /// Colour for a session miss (a red no backend uses).
    static QColor missColour();
    /// Colour for an IP-change flash.
    static QColor ipChangeColour();
};

} // namespace lblab::ui
