#include "ui/window_size.h"

#include <algorithm>

namespace lblab::ui {

QSize WindowSize::firstRun(QSize room) { return fitted(kPreferred, room); }

QSize WindowSize::fitted(QSize saved, QSize room)
{
    if (!room.isValid() || room.isEmpty())
        return saved;
    return saved.boundedTo(room);
}

double WindowSize::presentationFactor(double wanted, QSize minimum, QSize screen)
{
    if (minimum.isEmpty() || screen.isEmpty() || minimum.width() > screen.width() || minimum.height() > screen.height())
        return wanted;
    const double room = std::min(static_cast<double>(screen.width()) / minimum.width(),
                                 static_cast<double>(screen.height()) / minimum.height());
    return std::clamp(room, 1.0, wanted);
}

} // namespace lblab::ui
