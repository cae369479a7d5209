#pragma once

#include "core/lab/lab_event.h"
#include "ui/ip_change_bursts.h"

#include <QString>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace lblab::ui {

/// One "what just changed" line on the time charts.
struct ChartMarker {
    /// What changed (it picks the line's colour).
    enum class Kind : std::uint8_t {
        Policy, ServerKilled, BackendDown, BackendUp, BackendAdded, BackendRemoved, BackendDraining, IpBurst, Note,
        StoreKilled, ///< the shared session store was killed (or stopped answering: "store down")
        StoreBack,   ///< it is back, empty
    };
    std::uint64_t id = 0; ///< unique within a run (a burst's marker keeps its id while it grows)
    double x = 0;         ///< seconds since run start
    Kind kind = Kind::Note;
    QString label;        ///< short text at the top of the line, e.g. "s2 killed", "→ cookie-affinity", "store killed"
    QString subject;      ///< the server, policy or "timeline" concerned ("" for a burst)
    QString policy;       ///< Policy: the policy switched to
    QString fromPolicy;   ///< Policy: the policy before ("" when the log did not say)
};

/// The change markers of a run, built from the lab's event log: policy switches, servers killed,
/// down, up, added, removed or drained, the session store killed and back, bursts of IP changes (one
/// marker each, see IpChangeBursts) and timeline or user notes. Snapshots carry the last few hundred log entries, repeated from one
/// snapshot to the next: each entry is taken once, and markers outlive their entries' leaving the
/// log (the list is our own, bounded, and trimmed to the charts' window).
class ChartMarkers {
public:
    /// Markers kept at most (the oldest go first).
    static constexpr std::size_t kCapacity = 256;
    /// Longest label of a note; longer ones are cut with "…".
    static constexpr int kNoteChars = 24;

    /// Takes the entries of `log` (a snapshot's, oldest first) not taken before; true when the
    /// markers changed.
    bool addFromLog(const std::vector<LabEvent>& log);
    /// Drops the markers left of `seconds`; true when some went.
    bool removeBefore(double seconds);
    /// Forgets every marker and every entry seen (a new run).
    void clear();
    /// The markers, by time.
    const std::deque<ChartMarker>& markers() const { return m_markers; }

    /// Fills `out` with the marker `event` makes on its own; false when it makes none (IP changes
    /// only make one together, as a burst).
    static bool markerFor(const LabEvent& event, ChartMarker& out);

private:
    std::size_t firstNew(const std::vector<LabEvent>& log) const;
    void insert(ChartMarker marker);
    bool addIpChange(const LabEvent& event);
    ChartMarker* downMarkerOf(const QString& server);

    std::deque<ChartMarker> m_markers;
    std::vector<LabEvent> m_tail;  ///< the last entries taken, to find where a newer log goes on
    IpChangeBursts m_bursts;
    bool m_started = false;        ///< an entry was taken since the last clear
    std::uint64_t m_nextId = 1;
    std::uint64_t m_burstId = 0;   ///< the marker of the burst in progress (0: none)
};

} // namespace lblab::ui
