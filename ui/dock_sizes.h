#pragma once

#include <functional>
#include <initializer_list>

class QDockWidget;
class QMainWindow;
class QTabBar;
class QWidget;

namespace lblab::ui {

/// The window's dock sizes on its first show, from the window's size: a right column (the servers
/// above, the tabbed panels below) and the charts along the bottom. 1600x1000 keeps its proportions;
/// a 1280x800 or 1366x768 projector gets a column wide enough for the tabs' names whole and the
/// servers' figures on one line, and a split that keeps server cards whole and the tabs some rows.
class DockSizes {
public:
    /// The narrowest the right column starts.
    static constexpr int kMinColumn = 460;
    /// What the column leaves the map (or the flow view) at least.
    static constexpr int kMinCentre = 700;

    /// The right column's width in a window `windowWidth` wide: 36 % of it, at least kMinColumn and
    /// `tabsWidth` (the tab bar's names whole), as long as the map keeps kMinCentre.
    static int column(int windowWidth, int tabsWidth);
    /// The charts' height in a window `windowHeight` tall: 23 % of it.
    static int charts(int windowHeight);

    /// A height the servers may take, if it leaves the tabbed panels below at least `tabs`.
    struct Choice {
        int servers;
        int tabs;
    };
    /// The servers' share of a column `columnHeight` tall: the first of `choices` (the most wanted
    /// first) that fits, else what the last leaves.
    static int servers(int columnHeight, std::initializer_list<Choice> choices);

    /// The tab bar of `window`'s tabbed docks (the widest shown), or nullptr.
    static QTabBar* tabBar(const QWidget* window);

    /// Heights the panels need: the servers' dock for `cards` cards whole (with "Add server" if `add`)
    /// at a column `width` wide, and the tabbed docks for `rows` rows of the session table.
    struct Needs {
        std::function<int(int cards, bool add, int width)> servers;
        std::function<int(int rows)> tabs;
    };
    /// Sizes `window`'s docks: `charts` along the bottom, `servers` above the tabbed docks (`tabs`, the
    /// one shown) in the right column. Three cards and "Add server" where there is room; a small screen
    /// sends "Add server" below the fold before the tabs lose their second table row, then whole cards
    /// before their first.
    static void apply(QMainWindow* window, QDockWidget* charts, QDockWidget* servers, QDockWidget* tabs,
                      const Needs& needs);
};

} // namespace lblab::ui
