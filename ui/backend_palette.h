#pragma once

#include <QColor>
#include <QString>

namespace lblab::ui {

/// The backends' colours: Okabe-Ito, safe for colour-blind viewers and readable on a projector.
/// Every panel colours backend i with colourFor(i), so the map, cards and charts agree.
class BackendPalette {
public:
    /// Colour of backend `index` (cycles after 8; -1, no backend, is grey).
    static QColor colourFor(int index);
    /// A dark or light text colour that reads on top of colourFor(index).
    static QColor textOn(int index);
    /// Colour for a session miss (a strong red-orange not used by any backend).
    static QColor missColour();
    /// Colour for an IP-change flash.
    static QColor ipChangeColour();
};

} // namespace lblab::ui
