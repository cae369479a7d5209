#include "ui/screen_fit.h"

#include "ui/window_size.h"

#include <QApplication>
#include <QScreen>
#include <QWidget>

#include <algorithm>

namespace lblab::ui {

namespace {

QMargins framing(const QWidget* w)
{
    const QRect outer = w->frameGeometry(), inner = w->geometry();
    return {inner.left() - outer.left(), inner.top() - outer.top(), outer.right() - inner.right(),
            outer.bottom() - inner.bottom()};
}

} // namespace

QRect ScreenFit::placed(QRect frame, QRect available)
{
    if (!available.isValid())
        return frame;
    // Right and bottom first, then left and top: a frame larger than the room keeps its title bar
    // (top left: the window can still be moved) in view.
    frame.moveRight(std::min(frame.right(), available.right()));
    frame.moveBottom(std::min(frame.bottom(), available.bottom()));
    frame.moveLeft(std::max(frame.left(), available.left()));
    frame.moveTop(std::max(frame.top(), available.top()));
    return frame;
}

QMargins ScreenFit::decoration(const QWidget* window)
{
    // A window's own frame is known once the window manager has framed it (not yet on its first show).
    if (const QMargins own = framing(window); !own.isNull())
        return own;
    for (const QWidget* w : QApplication::topLevelWidgets()) {
        if (w != window && w->isVisible() && !w->isFullScreen() && w->windowType() == Qt::Window) {
            const QMargins m = framing(w);
            if (!m.isNull())
                return m;
        }
    }
    return {};
}

void ScreenFit::fit(QWidget* window, QRect available)
{
    if (!available.isValid())
        return;
    const QMargins m = decoration(window);
    const QSize room = available.size().shrunkBy(m);
    const QSize size = WindowSize::fitted(window->size(), room);
    if (size != window->size())
        window->resize(size);
    // A window the program placed (over the main window's right column, say) stays where it was put
    // if it fits there; one left to the window manager is placed by it.
    if (window->testAttribute(Qt::WA_Moved)) {
        const QRect frame(window->pos(), window->size().grownBy(m));
        const QRect inside = placed(frame, available);
        if (inside.topLeft() != frame.topLeft())
            window->move(inside.topLeft());
    }
}

void ScreenFit::fitToScreen(QWidget* window)
{
    if (const QScreen* screen = window->screen())
        fit(window, screen->availableGeometry());
}

} // namespace lblab::ui
