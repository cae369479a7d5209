#pragma once

// What the window tests measure on a window laid out as a user sees it.

#include "ui/main_window.h"
#include "ui/server_card.h"
#include "ui/servers_panel.h"

#include <QScrollArea>
#include <QString>

namespace lblab::test {

/// Server cards s1..s`count` wholly inside the servers panel's viewport; 0 until the cards are laid
/// out (a new card sits at the top of its panel until its layout has run).
inline int wholeServerCards(const lblab::ui::MainWindow& window, int count)
{
    const auto* scroll = window.servers()->findChild<QScrollArea*>();
    if (!scroll)
        return 0;
    int whole = 0;
    int lastTop = -1;
    for (int i = 1; i <= count; ++i) {
        const lblab::ui::ServerCard* card = window.servers()->card(QStringLiteral("s%1").arg(i));
        if (!card)
            return 0;
        const QRect r(card->mapTo(scroll->viewport(), QPoint(0, 0)), card->size());
        if (r.top() <= lastTop)
            return 0;
        lastTop = r.top();
        whole += scroll->viewport()->rect().contains(r) ? 1 : 0;
    }
    return whole;
}

} // namespace lblab::test
