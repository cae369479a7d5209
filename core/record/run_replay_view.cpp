// RunReplay's views of a loaded run: the snapshot at a moment (what the replay window draws) and the
// run's summary. Loading and walking the run are in run_replay.cpp.

#include "core/record/run_replay.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <unordered_map>

namespace lblab {

namespace {

// The panels keep this much history and log live; a replay shows no more, so it looks the same.
constexpr std::size_t kReplayHistory = 1200;
constexpr std::size_t kReplayLog = 1000;

} // namespace

Snapshot RunReplay::at(std::int64_t tUs) const
{
    tUs = std::clamp<std::int64_t>(tUs, 0, m_durationUs);
    // Resume from the last checkpoint that lies wholly at or before t.
    const auto after = std::upper_bound(m_checkpoints.begin(), m_checkpoints.end(), tUs,
                                        [](std::int64_t v, const Walk& c) { return v < c.lastUs; });
    Walk w = after == m_checkpoints.begin() ? startWalk() : *std::prev(after);
    walk(w, tUs, nullptr, nullptr);

    Snapshot s;
    s.sequence = static_cast<std::uint64_t>(tUs) + 1;
    s.tUs = tUs;
    s.state = tUs >= m_durationUs ? RunState::Stopped : RunState::Paused;
    s.preset = m_preset;
    s.policy = !w.policy.empty() ? w.policy : !m_startPolicy.empty() ? m_startPolicy : m_policy;
    s.requestRate = m_requestRate;
    s.totals = w.accounting.totals();

    // The last closed interval at or before t.
    const auto closed = std::upper_bound(m_intervals.begin(), m_intervals.end(), tUs,
                                         [](std::int64_t v, const Interval& i) { return v < i.endUs; });
    const std::size_t closedCount = static_cast<std::size_t>(closed - m_intervals.begin());

    const std::vector<BackendCounts>& counted = w.accounting.servers();
    for (std::size_t i = 0; i < m_backendNames.size(); ++i) {
        BackendView v;
        if (i < counted.size()) {
            v.requests = counted[i].requests;
            v.errors = counted[i].errors;
            v.sessionMisses = counted[i].sessionMisses;
        }
        v.name = m_backendNames[i];
        v.region = i < m_serverRegions.size() ? m_serverRegions[i] : std::string();
        // A server that appears only later was added during the run: until then it is not there.
        v.state = m_firstSeenUs[i] > tUs ? BackendState::Removed : BackendState::Up;
        for (std::size_t k = closedCount; k-- > 0;) {
            const BackendRow& row = m_intervals[k].servers[i];
            if (!row.present)
                continue;
            v.state = row.state;
            v.weight = row.weight;
            if (k + 1 == closedCount) {
                v.active = row.scur;
                v.rps = row.rate;
                v.p50Us = row.p50Us;
                v.p99Us = row.p99Us;
            }
            v.sessions = row.sessions;
            break;
        }
        s.servers.push_back(std::move(v));
    }

    // Generated users are always there (they exist from the start), then outside clients once seen.
    w.accounting.clients().fill(s.clients);

    const std::size_t firstInterval = closedCount > kReplayHistory ? closedCount - kReplayHistory : 0;
    for (std::size_t k = firstInterval; k < closedCount; ++k) {
        const Interval& in = m_intervals[k];
        const IntervalExtra& extra = m_intervalExtras[k];
        IntervalRow row;
        row.endUs = in.endUs;
        row.lengthUs = k == 0 ? std::min(in.endUs, m_intervalUs) : in.endUs - m_intervals[k - 1].endUs;
        if (row.lengthUs <= 0)
            row.lengthUs = m_intervalUs;
        for (std::size_t i = 0; i < in.servers.size(); ++i) {
            const BackendRow& r = in.servers[i];
            BackendInterval si;
            si.requests = m_reqIntervalKnown ? r.reqInterval : (i < extra.requests.size() ? extra.requests[i] : 0);
            si.active = r.scur;
            si.p50Us = r.p50Us;
            si.p99Us = r.p99Us;
            // The hrsp columns are cumulative (like HAProxy's): the interval's share is the difference.
            const BackendRow* previous = nullptr;
            for (std::size_t p = k; p-- > 0;)
                if (m_intervals[p].servers[i].present) {
                    previous = &m_intervals[p].servers[i];
                    break;
                }
            std::uint64_t* classes[4] = {&si.hrsp2xx, &si.hrsp3xx, &si.hrsp4xx, &si.hrsp5xx};
            for (int c = 0; c < 4; ++c) {
                const std::uint64_t before = previous ? previous->hrsp[c] : 0;
                *classes[c] = r.hrsp[c] >= before ? r.hrsp[c] - before : 0;
            }
            si.sessionMisses = r.sessionMisses;
            si.sessions = r.sessions;
            si.state = r.state;
            si.weight = r.weight;
            row.servers.push_back(si);
            if (m_serverMissesKnown)
                row.sessionMisses += r.sessionMisses;
        }
        if (!m_serverMissesKnown)
            row.sessionMisses = extra.sessionMisses;
        row.sessionRequests = extra.sessionRequests;
        row.affinityBreaks = extra.affinityBreaks;
        row.ipChanges = extra.ipChanges;
        row.remaps = extra.remaps;
        s.history.push_back(std::move(row));
    }

    const auto logEnd = static_cast<std::size_t>(
        std::upper_bound(m_labEvents.begin(), m_labEvents.end(), tUs,
                         [](std::int64_t v, const LabEvent& e) { return v < e.tUs; }) -
        m_labEvents.begin());
    const std::size_t firstLog = logEnd > kReplayLog ? logEnd - kReplayLog : 0;
    s.log.assign(m_labEvents.begin() + static_cast<std::ptrdiff_t>(firstLog),
                 m_labEvents.begin() + static_cast<std::ptrdiff_t>(logEnd));
    s.totals.droppedLabEvents = firstLog;
    return s;
}

RunSummary RunReplay::summary() const
{
    // The servers as the last interval left them: what the lab's gauges said when the run ended.
    std::vector<BackendGauge> gauges(m_backendNames.size());
    for (std::size_t i = 0; i < m_backendNames.size(); ++i) {
        BackendGauge& g = gauges[i];
        g.name = m_backendNames[i];
        g.region = i < m_serverRegions.size() ? m_serverRegions[i] : std::string();
        for (std::size_t k = m_intervals.size(); k-- > 0;) {
            const BackendRow& row = m_intervals[k].servers[i];
            if (!row.present)
                continue;
            g.state = row.state;
            g.weight = row.weight;
            g.sessions = row.sessions;
            break;
        }
    }
    Totals totals = m_endTotals;
    totals.droppedEvents = m_droppedEvents;
    totals.droppedLabEvents = m_droppedLabEvents;
    const std::string policy = !m_endPolicy.empty() ? m_endPolicy : m_policy;
    const double seconds = m_summaryDurationS >= 0 ? m_summaryDurationS : static_cast<double>(m_durationUs) / 1e6;
    RunSummary summary =
        RunSummary::make(m_preset, policy, seconds, m_seed, totals, m_endBackendStats, gauges, m_tableSize);
    summary.users = m_users;
    summary.engine = m_engine;
    summary.sessionStore = m_sessionStore;
    summary.store = m_store;
    return summary;
}

} // namespace lblab
