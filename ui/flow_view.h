#pragma once

#include "core/lab/snapshot.h"

#include <QHash>
#include <QPoint>
#include <QRect>
#include <QString>
#include <QTimer>
#include <QWidget>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

class QPainter;

namespace lblab::ui {

/// Requests as they travel: clients on the left, the balancer in the middle with the first rows of
/// its table, servers on the right. Each request is a dot in its server's colour that goes client ->
/// balancer -> server and comes back as a ring; a new pin or a re-pin gets a badge at the balancer, a
/// lost session a red ring and a red client row. It animates every request until more would be in
/// the air than anyone can follow (kMaxInAir); then it draws 1 in k and says so. Slow motion stretches
/// the trips as much as it slows the users. Fed the snapshots' recentRequests; never one event per request.
class FlowView : public QWidget {
    Q_OBJECT
public:
    /// A trip (there and back) at full speed.
    static constexpr int kTripMs = 1200;
    /// Slow motion stretches a trip up to this.
    static constexpr int kMaxTripMs = 4000;
    /// Requests drawn in the air at once before the view samples.
    static constexpr int kMaxInAir = 90;
    /// Client rows at most (more clients share rows).
    static constexpr int kMaxClientRows = 20;

    /// An empty view.
    explicit FlowView(QWidget* parent = nullptr);

    /// Requests being drawn now.
    int inAir() const { return static_cast<int>(m_flights.size()); }
    /// 1 when every request is drawn, k when 1 in k is.
    int sampleEvery() const { return m_sampleEvery; }
    /// The note in the top right corner (under the title when both do not fit on one line):
    /// "every request shown" or "showing 1 in 12 requests ...".
    QString samplingText() const;
    /// Where the title and the corner note are drawn: one line, or two when they do not fit side by side.
    QRect headerRect() const { return m_header; }
    /// True when the corner note sits under the title.
    bool headerWrapped() const { return m_headerWrapped; }
    /// Requests per second the view measured from the snapshots.
    double requestRate() const { return m_rate; }
    /// A trip's length now (kTripMs stretched by the snapshot's speed).
    int tripMs() const;
    /// Client rows drawn.
    int clientRowCount() const { return static_cast<int>(m_rows.size()); }
    /// Clients per row (1 while each has its own).
    int clientsPerRow() const { return m_perRow; }
    /// The row that shows client `id`, -1 if none.
    int rowOfClient(const QString& id) const;
    /// Where client row `row` is drawn.
    QRect clientRowRect(int row) const;
    /// Where the balancer is drawn.
    QRect balancerRect() const { return m_balancer; }
    /// True when the balancer's name and policy share one line, so a low view keeps table rows.
    bool compactBalancer() const { return m_compactBalancer; }
    /// The clients column's caption as drawn: shortened to fit the column, never cut.
    QString clientsCaption() const;
    /// Where the clients column is drawn (its caption at the top).
    QRect clientsArea() const { return m_clientsArea; }
    /// The balancer table's caption as drawn: in the box ("Table: 176 pins, latest first"), or above it
    /// for a compact balancer ("Balancer (176 pins)"); "" with no table, or no room for it.
    QString tableCaption() const;
    /// Rows of the balancer's table drawn now, and where row `row` is drawn (whole, inside the balancer).
    int tableRowCount() const;
    QRect tableRowRect(int row) const;
    /// Where server `backend` is drawn (empty if it is not).
    QRect serverRect(int backend) const;
    /// The animation's clock in milliseconds (tests freeze it; by default, time since the view was made).
    void setClock(std::function<qint64()> nowMs);

    /// Preferred size.
    QSize sizeHint() const override { return {800, 600}; }
    /// Smallest useful size.
    QSize minimumSizeHint() const override { return {420, 260}; }

public slots:
    /// Takes the requests new since the last snapshot (and the servers, table and speed).
    void showSnapshot(std::shared_ptr<const lblab::Snapshot> snapshot);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    /// One request being drawn.
    struct Flight {
        qint64 startMs = 0;
        int row = 0;
        int backend = -1;
        DecisionKind decision = DecisionKind::NoBackend;
        SessionOutcome session = SessionOutcome::None;
        unsigned status = 0;
        QString key;
    };
    /// One row of the client column.
    struct ClientRow {
        int first = 0;          ///< index in Snapshot::clients of its first client
        int count = 0;
        int backend = -1;       ///< server of the row's latest request
        qint64 lostMs = -1;     ///< when a request of the row last lost its session
        QString ip;             ///< the single client's address as the balancer last saw it
    };

    qint64 now() const { return m_clock(); }
    void resetRun();
    void dropLanded(); ///< forgets the flights whose trip is over
    void updateRate(std::uint64_t end);
    void launch(const RequestEvent& event, qint64 startMs);
    void layoutRows();
    void relayout();
    QPoint flightPoint(const Flight& f, double progress) const;
    int laneY() const;
    QRect tableArea() const; ///< the balancer's table: its caption, then its rows
    void paintClients(QPainter& p) const;
    void paintBalancer(QPainter& p) const;
    void paintServers(QPainter& p) const;
    void paintFlights(QPainter& p) const;
    void paintHeader(QPainter& p) const;
    void paintLegend(QPainter& p) const;

    std::shared_ptr<const Snapshot> m_snapshot;
    std::function<qint64()> m_clock;
    QTimer m_frame;
    std::deque<Flight> m_flights;
    std::vector<ClientRow> m_rows;
    QHash<QString, int> m_clientIndex;  ///< client id -> index in Snapshot::clients
    std::size_t m_indexedClients = 0;
    int m_perRow = 1;
    std::uint64_t m_seenEnd = 0;        ///< requests up to this number were taken
    std::uint64_t m_lastSequence = 0;
    std::deque<std::pair<qint64, std::uint64_t>> m_rateSamples; ///< (ms, requests so far), last 2 s
    double m_rate = 0;
    int m_sampleEvery = 1;
    qint64 m_sampleChangedMs = -1;
    QRect m_header, m_clientsArea, m_balancer, m_serversArea, m_legend;
    bool m_headerWrapped = false;       ///< the corner note sits under the title, not beside it
    bool m_compactBalancer = false;     ///< the balancer's name and policy on one line (a low view)
};

} // namespace lblab::ui
