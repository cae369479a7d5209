#pragma once

#include "core/snapshot.h"

#include <QColor>
#include <QRect>
#include <QString>
#include <QWidget>

#include <memory>
#include <vector>

namespace lblab::ui {

/// Every client at once, one tile each, coloured by the backend its last request landed on.
/// Marks: a white dot while the policy holds a pin for it, a bright ring fading over a second after
/// its address changed, a red corner fading over two seconds after a session miss, a diamond for
/// outside clients. One paintEvent draws them all (no widget per tile), so 2,000 clients stay fast.
class AssignmentMap : public QWidget {
    Q_OBJECT
public:
    /// How long the IP-change ring stays visible.
    static constexpr std::int64_t kIpFlashUs = 1'000'000;
    /// How long the session-miss mark stays visible.
    static constexpr std::int64_t kMissUs = 2'000'000;

    /// An empty map.
    explicit AssignmentMap(QWidget* parent = nullptr);

    /// Tiles shown (one per client of the last snapshot).
    int tileCount() const;
    /// Fill colour of tile `i` (the backend's palette colour; grey before the first request).
    QColor tileColour(int i) const;
    /// Tile `i` carries the pin mark.
    bool tileShowsPin(int i) const;
    /// Tile `i` carries the session-miss mark.
    bool tileShowsMiss(int i) const;
    /// Tile `i` carries the IP-change ring.
    bool tileShowsIpFlash(int i) const;
    /// Tile `i` is drawn as a diamond (an outside client).
    bool tileIsExternal(int i) const;
    /// What hovering tile `i` shows: id, group, address, key, backend, why, pin age, status, session.
    QString tooltipFor(int i) const;
    /// Where tile `i` is drawn (empty if out of range).
    QRect tileRect(int i) const;
    /// The tile under `pos`, or -1.
    int tileAt(const QPoint& pos) const;
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
    void mousePressEvent(QMouseEvent* event) override;
    bool event(QEvent* event) override;

private:
    const Snapshot* snap() const { return m_snapshot.get(); }
    const ClientView* client(int i) const;
    void relayout();
    int legendHeight() const;
    int detailsHeight() const;
    QString detailsText(const ClientView& c) const;
    QString backendName(int backend) const;
    void paintLegend(class QPainter& p, const QRect& area) const;
    void paintDetails(class QPainter& p, const QRect& area) const;

    std::shared_ptr<const Snapshot> m_snapshot;
    QRect m_gridArea;
    int m_columns = 1;
    int m_side = 0;
    int m_layoutCount = -1;
    QString m_selectedId;
};

} // namespace lblab::ui
