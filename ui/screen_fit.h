#pragma once

#include <QMargins>
#include <QRect>

class QWidget;

namespace lblab::ui {

/// A secondary window (compare, replay, join) on the screen it opens on: the size it asks for where
/// that fits, else the room the screen has (bounded as the main window's, WindowSize::fitted), so a
/// 1280x800 or 1366x768 projector shows all of it, title bar included.
class ScreenFit {
public:
    /// `frame` (a window with its title bar and borders) moved into `available`, as far as it fits;
    /// an invalid `available` leaves it where it is.
    static QRect placed(QRect frame, QRect available);
    /// The title bar and borders the window manager draws around `window`: its own once it has been
    /// framed, else those of a window of this application on screen (one manager draws them all),
    /// else none (no window manager, or none known yet).
    static QMargins decoration(const QWidget* window);
    /// Bounds `window`'s size, decoration included, to `available` (a screen's availableGeometry:
    /// the screen less panels and docks), and brings a window placed by the program back into it.
    static void fit(QWidget* window, QRect available);
    /// fit() on the available geometry of the screen `window` opens on. Windows call it from their
    /// showEvent, so a size a caller set after construction is bounded too.
    static void fitToScreen(QWidget* window);
};

} // namespace lblab::ui
