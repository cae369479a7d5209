#pragma once

#include "core/lab/snapshot.h"

#include <QPoint>
#include <QRect>

#include <vector>

namespace lblab::ui {

/// Where the map's tiles go and which clients each one holds. One client per tile while a square
/// tile can stay at least `minSide` pixels; beyond that, k consecutive clients share a tile (k the
/// smallest that fits), so 9,000 clients stay readable. Outside clients always get a tile of their own.
class TileGrid {
public:
    /// Lays out tiles for `clients` in `area`: the smallest k, then the largest square side (at most
    /// `maxSide`) at which the tiles fit. Allocates only when the tile count grows.
    void layout(const std::vector<ClientView>& clients, const QRect& area, int minSide, int maxSide);

    /// Tiles laid out.
    int tileCount() const { return m_tiles; }
    /// Clients per grouped tile (1: no grouping).
    int clientsPerTile() const { return m_perTile; }
    /// Tile side in pixels (0 with no tiles).
    int side() const { return m_side; }
    /// Tiles per row.
    int columns() const { return m_columns; }
    /// The area the grid was laid out in.
    QRect area() const { return m_area; }
    /// Index of the first client in `tile` (-1 if out of range).
    int firstClient(int tile) const;
    /// Clients in `tile` (0 if out of range).
    int clientCount(int tile) const;
    /// The tile that holds client `client` (-1 if out of range).
    int tileOfClient(int client) const;
    /// Where `tile` is drawn (empty if out of range).
    QRect tileRect(int tile) const;
    /// The tile under `pos`, or -1.
    int tileAt(const QPoint& pos) const;

    /// The largest square side at which `tiles` tiles fit in a `width` x `height` area (0 if none).
    static int sideFor(int tiles, int width, int height);

private:
    int tilesFor(int perTile) const;

    QRect m_area;
    int m_tiles = 0;
    int m_perTile = 1;
    int m_side = 0;
    int m_columns = 1;
    std::vector<int> m_starts;  ///< tile t holds clients [m_starts[t], m_starts[t + 1])
    std::vector<int> m_runs;    ///< lengths of runs of generated clients; -1 marks an outside client
};

} // namespace lblab::ui
