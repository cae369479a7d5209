#include "ui/dock_sizes.h"

#include <QDockWidget>
#include <QMainWindow>
#include <QTabBar>

#include <algorithm>
#include <iterator>

namespace lblab::ui {

int DockSizes::column(int windowWidth, int tabsWidth)
{
    const int wanted = std::max({kMinColumn, windowWidth * 36 / 100, tabsWidth});
    return std::min(wanted, std::max(kMinColumn, windowWidth - kMinCentre));
}

int DockSizes::charts(int windowHeight) { return windowHeight * 23 / 100; }

int DockSizes::servers(int columnHeight, std::initializer_list<Choice> choices)
{
    for (const Choice& c : choices)
        if (c.servers + c.tabs <= columnHeight)
            return c.servers;
    return choices.size() == 0 ? columnHeight : std::max(0, columnHeight - std::prev(choices.end())->tabs);
}

QTabBar* DockSizes::tabBar(const QWidget* window)
{
    QTabBar* widest = nullptr;
    for (QTabBar* bar : window->findChildren<QTabBar*>(Qt::FindDirectChildrenOnly))
        if (bar->isVisible() && (!widest || bar->sizeHint().width() > widest->sizeHint().width()))
            widest = bar;
    return widest;
}

void DockSizes::apply(QMainWindow* window, QDockWidget* charts, QDockWidget* servers, QDockWidget* tabs,
                      const Needs& needs)
{
    const QTabBar* bar = tabBar(window);
    const int column = DockSizes::column(window->width(), bar ? bar->sizeHint().width() : 0);
    const int chartsHeight = std::max(DockSizes::charts(window->height()), charts->minimumSizeHint().height());
    // The column: the servers, then the tabbed docks with their tab bar (one item of the layout, sized as
    // one), taller by what the charts give up (the layout applies the sizes later).
    const int tabBarHeight = bar ? bar->sizeHint().height() : 0;
    const int columnHeight = servers->height() + tabs->height() + tabBarHeight + charts->height() - chartsHeight;
    window->resizeDocks({charts}, {chartsHeight}, Qt::Vertical);
    window->resizeDocks({servers, tabs}, {column, column}, Qt::Horizontal);
    auto cards = [&](int n, bool add) { return needs.servers(n, add, column); };
    const int rows1 = needs.tabs(1) + tabBarHeight, rows2 = needs.tabs(2) + tabBarHeight;
    const int serversHeight = DockSizes::servers(
        columnHeight, {{cards(3, true), rows2}, {cards(3, false), rows1}, {cards(2, false), rows1}, {cards(1, false), rows1}});
    window->resizeDocks({servers, tabs}, {serversHeight, columnHeight - serversHeight}, Qt::Vertical);
}

} // namespace lblab::ui
