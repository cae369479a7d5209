#pragma once

#include "core/lab/snapshot.h"
#include "ui/map_legend.h"
#include "ui/tile_grid.h"

#include <QColor>
#include <QRect>
#include <QString>
#include <QWidget>

#include <memory>
#include <utility>
#include <vector>

namespace lblab::ui {

/// Every client at once, coloured by the backend its last request landed on. One tile per client
/// while tiles can be kMinTile px; beyond that k consecutive clients share a tile, drawn as vertical
/// stripes in proportion to their servers. Marks: a white dot while the policy holds a pin, a bright
/// ring after an address change, a red corner after a session miss, an inner frame in the previous
/// server's colour after a move, a diamond for outside clients. One paintEvent draws them all.
class AssignmentMap : public QWidget {
    Q_OBJECT
public:
    /// How long the IP-change ring stays visible.
    static constexpr std::int64_t kIpFlashUs = 1'000'000;
    /// How long the session-miss mark stays visible.
    static constexpr std::int64_t kMissUs = 2'000'000;
    /// How long the "moved" frame stays visible after a client changed server.
    static constexpr std::int64_t kMoveUs = 3'000'000;
    /// Smallest tile side (px) at which the marks stay visible; below it clients share tiles.
    static constexpr int kMinTile = 11;
    /// Largest tile side (px), so a few clients do not make huge blocks.
    static constexpr int kMaxTile = 72;

    /// An empty map.
    explicit AssignmentMap(QWidget* parent = nullptr);

    /// Tiles shown (one per client, or per group of clientsPerTile() clients).
    int tileCount() const;
    /// Clients per grouped tile (1 while every client has its own tile).
    int clientsPerTile() const { return m_grid.clientsPerTile(); }
    /// Index (in Snapshot::clients) of the first client of tile `i`, -1 if out of range.
    int tileFirstClient(int i) const { return m_grid.firstClient(i); }
    /// Clients in tile `i` (0 if out of range).
    int tileClientCount(int i) const { return m_grid.clientCount(i); }
    /// The tile that shows client `clientIndex` (an index into Snapshot::clients), -1 if none.
    int tileOfClient(int clientIndex) const { return m_grid.tileOfClient(clientIndex); }
    /// Where the tiles are laid out (below the legend, above the details line).
    QRect gridArea() const { return m_grid.area(); }
    /// Fill colour of tile `i`: its members' most common backend (grey before the first request).
    QColor tileColour(int i) const;
    /// Tile `i` carries the pin mark (most of its members are pinned).
    bool tileShowsPin(int i) const;
    /// Tile `i` carries the session-miss mark (a member missed in the last kMissUs).
    bool tileShowsMiss(int i) const;
    /// Tile `i` carries the IP-change ring (a member changed address in the last kIpFlashUs).
    bool tileShowsIpFlash(int i) const;
    /// Tile `i` carries the "moved" frame (a member changed server in the last kMoveUs).
    bool tileShowsMove(int i) const;
    /// Tile `i` is drawn as a diamond (an outside client).
    bool tileIsExternal(int i) const;
    /// What hovering tile `i` shows: one client's details, or a summary of a grouped tile's members.
    QString tooltipFor(int i) const;
    /// Where tile `i` is drawn (empty if out of range).
    QRect tileRect(int i) const { return m_grid.tileRect(i); }
    /// The tile under `pos`, or -1.
    int tileAt(const QPoint& pos) const { return m_grid.tileAt(pos); }
    /// The member a click on tile `i` follows: the one with the freshest mark, else the first (-1 if none).
    int clientForClick(int i) const;
    /// Where each legend entry is drawn, in order.
    std::vector<QRect> legendRects() const;
    /// Each legend entry's label, in order.
    QStringList legendTexts() const;
    /// Id of the clicked client, "" if none.
    QString selectedClient() const { return m_selectedId; }
    /// Selects a client by id ("" clears).
    void selectClient(const QString& id);

    /// Preferred size.
    QSize sizeHint() const override;
    /// Smallest useful size.
    QSize minimumSizeHint() const override;

public slots:
    /// Shows a snapshot (copies what it needs).
    void showSnapshot(const lblab::Snapshot& snapshot);
    /// Shows a snapshot without copying it (the bridge's shared pointer).
    void showSharedSnapshot(std::shared_ptr<const lblab::Snapshot> snapshot);

signals:
    /// A tile was clicked; `clientId` is "" when the click hit no tile.
    void clientSelected(QString clientId);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    bool event(QEvent* event) override;

private:
    /// What a tile shows, gathered from its members (no allocation).
    struct TileState {
        int first = 0;
        int count = 0;
        int pinned = 0;
        bool external = false;
        double miss = 0, ip = 0, move = 0;     ///< freshness of the freshest mark of each kind (0: none)
        int missClient = -1, ipClient = -1, moveClient = -1;
        int movedFrom = -1;                    ///< the freshest mover's previous server
    };

    const Snapshot* snap() const { return m_snapshot.get(); }
    const ClientView* client(int index) const;
    TileState tileState(int tile) const;
    void countStripes(int tile) const;
    void relayout();
    std::vector<MapLegend::Entry> legendEntries() const;
    int detailsHeight() const;
    QRect detailsArea() const;
    QString detailsText(const ClientView& c) const;
    QString clientTooltip(const ClientView& c) const;
    QString groupTooltip(int tile) const;
    QString backendName(int backend) const;
    void paintTiles(class QPainter& p) const;

    std::shared_ptr<const Snapshot> m_snapshot;
    TileGrid m_grid;
    MapLegend m_legend;
    int m_layoutCount = -1;
    int m_layoutExternal = -1;
    std::vector<int> m_serverCounts;   ///< clients per backend in the last snapshot
    int m_noneCount = 0;               ///< clients with no request yet
    int m_selectedIndex = -1;          ///< index of the selected client in the last snapshot
    QString m_selectedId;
    /// Scratch for a grouped tile's stripes (backend, members), reused so painting does not allocate.
    mutable std::vector<std::pair<int, int>> m_stripes;
};

} // namespace lblab::ui
