#include "ui/tile_grid.h"

#include <algorithm>
#include <cmath>

namespace lblab::ui {

int TileGrid::sideFor(int tiles, int width, int height)
{
    if (tiles <= 0 || width <= 0 || height <= 0)
        return 0;
    // columns * rows * side^2 <= width * height bounds the side from above; walk down from there
    // (a few steps: floor() loses at most one row and one column).
    const double area = static_cast<double>(width) * static_cast<double>(height);
    int side = std::min({width, height, static_cast<int>(std::sqrt(area / tiles)) + 1});
    while (side > 0 && static_cast<long long>(width / side) * (height / side) < tiles)
        --side;
    return side;
}

int TileGrid::tilesFor(int perTile) const
{
    int tiles = 0;
    for (int run : m_runs)
        tiles += run < 0 ? 1 : (run + perTile - 1) / perTile;
    return tiles;
}

void TileGrid::layout(const std::vector<ClientView>& clients, const QRect& area, int minSide, int maxSide)
{
    m_area = area;
    m_runs.clear();
    int longestRun = 0;
    for (const ClientView& c : clients) {
        if (c.external) {
            m_runs.push_back(-1);
        } else if (m_runs.empty() || m_runs.back() < 0) {
            m_runs.push_back(1);
        } else {
            ++m_runs.back();
        }
        if (!m_runs.empty() && m_runs.back() > longestRun)
            longestRun = m_runs.back();
    }
    const int w = std::max(1, area.width());
    const int h = std::max(1, area.height());

    // The smallest k whose tiles can still be minSide wide; past the longest run, more k changes nothing.
    m_perTile = 1;
    m_tiles = tilesFor(1);
    int side = sideFor(m_tiles, w, h);
    while (side < minSide && m_perTile < longestRun) {
        ++m_perTile;
        m_tiles = tilesFor(m_perTile);
        side = sideFor(m_tiles, w, h);
    }

    m_starts.clear();
    int client = 0;
    for (int run : m_runs) {
        if (run < 0) {
            m_starts.push_back(client++);
            continue;
        }
        for (int done = 0; done < run; done += m_perTile)
            m_starts.push_back(client + done);
        client += run;
    }
    m_starts.push_back(client);

    if (m_tiles == 0) {
        m_side = 0;
        m_columns = 1;
        return;
    }
    if (side > maxSide) {
        // Few clients would make huge blocks; a bounded tile keeps the map calm and the marks in proportion.
        m_side = maxSide;
        m_columns = std::max(1, std::min(m_tiles, w / m_side));
    } else {
        m_side = std::max(1, side);
        // The fewest columns at this side: the grid fills the height and is centred across.
        const int rows = std::max(1, h / m_side);
        m_columns = std::max(1, std::min(m_tiles, (m_tiles + rows - 1) / rows));
    }
}

int TileGrid::firstClient(int tile) const
{
    return tile >= 0 && tile < m_tiles ? m_starts[static_cast<std::size_t>(tile)] : -1;
}

int TileGrid::clientCount(int tile) const
{
    if (tile < 0 || tile >= m_tiles)
        return 0;
    const auto t = static_cast<std::size_t>(tile);
    return m_starts[t + 1] - m_starts[t];
}

int TileGrid::tileOfClient(int client) const
{
    if (m_tiles == 0 || client < 0 || client >= m_starts.back())
        return -1;
    const auto it = std::upper_bound(m_starts.begin(), m_starts.end(), client);
    return static_cast<int>(it - m_starts.begin()) - 1;
}

QRect TileGrid::tileRect(int tile) const
{
    if (tile < 0 || tile >= m_tiles || m_side <= 0)
        return {};
    const int rows = (m_tiles + m_columns - 1) / m_columns;
    // Centre the grid in its area.
    const int x0 = m_area.left() + std::max(0, (m_area.width() - m_columns * m_side) / 2);
    const int y0 = m_area.top() + std::max(0, (m_area.height() - rows * m_side) / 2);
    return QRect(x0 + (tile % m_columns) * m_side, y0 + (tile / m_columns) * m_side, m_side, m_side);
}

int TileGrid::tileAt(const QPoint& pos) const
{
    if (m_tiles == 0 || m_side <= 0)
        return -1;
    const QRect first = tileRect(0);
    if (pos.x() < first.left() || pos.y() < first.top())
        return -1;
    const int col = (pos.x() - first.left()) / m_side;
    const int row = (pos.y() - first.top()) / m_side;
    if (col >= m_columns)
        return -1;
    const int tile = row * m_columns + col;
    return tile < m_tiles ? tile : -1;
}

} // namespace lblab::ui
