#pragma once

#include <QSize>

namespace lblab::ui {

/// The main window's size on its screen. It opens at 1600x1000 (a classroom projector, the README's
/// pictures) where that fits; a smaller screen (a 1280x800 or 1366x768 projector) gets the room it
/// has, so the window is never larger than the screen it opens on, nor in presentation mode.
class WindowSize {
public:
    /// What the window asks for when the screen has room.
    static constexpr QSize kPreferred{1600, 1000};

    /// The size of a first run (nothing saved) on a screen whose available area is `room` (its
    /// availableGeometry: the screen less panels and docks). An invalid `room` (no screen) gives kPreferred.
    static QSize firstRun(QSize room);
    /// A saved size brought back onto `room`: never larger, unchanged when it fits (or with no screen).
    static QSize fitted(QSize saved, QSize room);
    /// The text factor presentation mode puts on top of the user's: `wanted` (1.3) where the window,
    /// `minimum` at least at the user's text size, still fits `screen` with that minimum grown in
    /// proportion; less on a smaller screen (a 1280x800 projector), never below 1. A screen that cannot
    /// hold even `minimum` gets `wanted`: smaller text would not make the window fit.
    static double presentationFactor(double wanted, QSize minimum, QSize screen);
};

} // namespace lblab::ui
