#pragma once

#include "core/lab/snapshot.h"
#include "ui/chart_markers.h"

#include <QFont>
#include <QString>
#include <QWidget>

#include <cstdint>
#include <deque>
#include <vector>

class QCustomPlot;
class QCPGraph;
class QCPBars;
class QCPItemLine;
class QCPTextElement;
class QPainter;

namespace lblab::ui {

class ChartMarkerLayer;

/// Live charts over a sliding window: request rate, active connections, latency, share of requests
/// against the ideal share, and session misses / affinity breaks per second. With a shared or signed
/// session store the latency chart also draws what the store adds per operation (p99, dashed black).
/// The time charts mark what just changed (policy switches, servers or the store killed, servers
/// added, bursts of IP changes, notes).
class LoadCharts : public QWidget {
    Q_OBJECT
public:
    /// The series a test can inspect; `server` selects the backend where it applies.
    enum class Series {
        RequestRate,       ///< requests per second, per server
        ActiveConnections, ///< in flight at the interval's end, per server
        LatencyP50,        ///< ms, per server
        LatencyP99,        ///< ms, per server
        SessionMisses,     ///< misses per second (server ignored)
        AffinityBreaks,    ///< affinity breaks per second (server ignored)
        Share,             ///< share of requests in the window, per server (one bar)
        IdealShare,        ///< weight / total weight of servers up, per server (the tick)
        StoreLatencyP99,   ///< ms the session store added per operation, p99 (server ignored)
    };

    /// Empty charts with a 60 s window.
    explicit LoadCharts(QWidget* parent = nullptr);
    ~LoadCharts() override;

    /// Width of the sliding window in seconds (default 60).
    void setWindowSeconds(double seconds);
    /// Width of the sliding window in seconds.
    double windowSeconds() const { return m_windowSeconds; }

    /// Points held by a series (bars and ideal ticks: 1 if the server has one, else 0).
    int graphPointCount(Series series, int server = 0) const;
    /// The newest value of a series (NaN when it has none).
    double lastValue(Series series, int server = 0) const;
    /// The oldest x (seconds since run start) still held by a time series (NaN when empty).
    double firstKey(Series series, int server = 0) const;
    /// How many replots were requested (one per snapshot that brought new data).
    int replotCount() const { return m_replots; }

    /// Writes the charts as PNG (raster) or PDF (vector), chosen by the file's extension, under a
    /// title line (see imageTitle()).
    bool saveImage(const QString& file);
    /// The title line of an exported image, e.g. "LB Lab · login-round-robin · policy round-robin →
    /// cookie-affinity · t = 42.0 s" (the last snapshot shown; every policy in force in the window).
    QString imageTitle() const;
    /// The font chart `plot`'s title (0 rate .. 4 share) is drawn in: titleFont(), or smaller where the
    /// chart is too narrow for it.
    QFont shownTitleFont(int plot) const;

    /// Scales every chart font (titles, tick and axis labels, legends, marker labels) by `scale`
    /// (clamped to 0.5..4; 1 is the normal size) and redraws: a projector wants bigger text.
    void setFontScale(double scale);
    /// The font scale (1 by default).
    double fontScale() const { return m_fontScale; }
    /// The charts' title font (as scaled).
    QFont titleFont() const;

    /// The change markers on the time charts, by time.
    const std::deque<ChartMarker>& markers() const { return m_markers.markers(); }
    /// What draws the markers on the chart of `series` (the share chart has none: nullptr).
    const ChartMarkerLayer* markerLayer(Series series) const;

public slots:
    /// Appends the intervals newer than the last one drawn and trims to the window.
    void showSnapshot(const lblab::Snapshot& snapshot);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void fitTitles();
    struct ServerGraphs {
        QCPGraph* rate = nullptr;
        QCPGraph* active = nullptr;
        QCPGraph* p50 = nullptr;
        QCPGraph* p99 = nullptr;
        QCPBars* share = nullptr;
        QCPItemLine* ideal = nullptr;
        double idealValue = 0;
    };

    void clearAll();
    void appendIntervals(const Snapshot& snapshot, std::int64_t newestEndUs);
    void appendStoreIntervals(const StoreView& store);
    void applyFonts();
    QFont scaledFont(double points, bool bold = false) const;
    QString policyText() const;
    void drawTitle(QPainter& painter, const QRect& band) const;
    void ensureBackends(const Snapshot& snapshot);
    void updateShares(const Snapshot& snapshot);
    void updateNames(const Snapshot& snapshot);
    const QCPGraph* timeGraph(Series series, int server) const;
    std::vector<QCustomPlot*> plots() const;

    QCustomPlot* m_rate = nullptr;
    QCustomPlot* m_active = nullptr;
    QCustomPlot* m_latency = nullptr;
    QCustomPlot* m_sessions = nullptr;
    QCustomPlot* m_share = nullptr;
    QCPGraph* m_misses = nullptr;
    QCPGraph* m_breaks = nullptr;
    QCPGraph* m_storeP99 = nullptr;             ///< on the latency chart; in its legend once it has data
    std::vector<QCPTextElement*> m_titles;      ///< by plot, as plots() lists them
    std::vector<ChartMarkerLayer*> m_layers;    ///< rate, active, latency, sessions
    ChartMarkers m_markers;
    std::vector<ServerGraphs> m_servers;
    std::vector<std::string> m_names;
    double m_windowSeconds = 60;
    std::int64_t m_lastEndUs = -1;
    std::int64_t m_storeLastEndUs = -1;         ///< the newest store interval drawn
    std::int64_t m_shownUs = -1;                ///< the last snapshot's time (-1: none yet)
    QString m_preset;                           ///< of the last snapshot
    QString m_policy;                           ///< in force in the last snapshot
    double m_fontScale = 1.0;
    int m_replots = 0;
};

} // namespace lblab::ui
