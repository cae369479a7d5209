#include "core/record/capture.h"

#include "core/record/client_tracker.h"
#include "core/record/csv_writer.h"
#include "core/record/latency_histogram.h"
#include "core/record/spill_file.h"
#include "core/record/time_ordered_rows.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <deque>
#include <mutex>
#include <ostream>
#include <stdexcept>

namespace lblab {

namespace {

// events.csv: one row per proxied request (DESIGN.md's CSV contract, in this order).
constexpr std::string_view kEventsHeader =
    "t_ms,client_id,client_ip,session_key,method,path,policy,decision,backend,status,latency_us,"
    "session";

// servers.csv: one row per server per closed interval, named after HAProxy's stats CSV where a
// name fits:
//   t_ms            interval end, ms since run start
//   server          backend name (HAProxy: svname)
//   status          up / down / draining / removed (HAProxy: UP / DOWN / DRAIN / MAINT)
//   weight          configured weight
//   scur            requests in flight through the balancer at the interval's end
//   stot            requests completed by this server since run start
//   rate            requests per second in the interval
//   req_interval    requests completed in the interval
//   lbtot           requests the balancer routed to it since run start (equals stot here: every
//                   request is routed by the balancer; HAProxy differs only for redispatches)
//   hrsp_2xx..5xx   answers by status class since run start (cumulative, like HAProxy)
//   p50_us, p99_us  latency percentiles in the interval (HAProxy has only averages: ttime, rtime)
//   sessions        server-side application sessions the backend holds at the interval's end
//   session_misses  requests in the interval that needed a session the backend did not hold
constexpr std::string_view kServersHeader =
    "t_ms,server,status,weight,scur,stot,rate,req_interval,lbtot,hrsp_2xx,hrsp_3xx,hrsp_4xx,"
    "hrsp_5xx,p50_us,p99_us,sessions,session_misses";

// A bogus backend index must not allocate gigabytes of counters.
constexpr int kMaxBackends = 4096;
// servers.csv rows kept in memory before they spill; rows are ~80 bytes, so hours of a small lab.
constexpr std::size_t kServerRowBytesInMemory = 1 << 20;
// Memory may hold this many times the configured bound while the spill file cannot be written.
constexpr std::size_t kHardCapFactor = 4;
// Events per in-memory chunk at most, and written chunks kept for reuse.
constexpr std::size_t kMaxChunkEvents = 4096;
constexpr std::size_t kSpareChunks = 8;
constexpr std::size_t kTypicalRowBytes = 96;

enum Hrsp : std::size_t { Hrsp2xx, Hrsp3xx, Hrsp4xx, Hrsp5xx, HrspOther, HrspCount };

Hrsp hrspClass(unsigned status)
{
    switch (status / 100) {
    case 2: return Hrsp2xx;
    case 3: return Hrsp3xx;
    case 4: return Hrsp4xx;
    case 5: return Hrsp5xx;
    default: return HrspOther;
    }
}

bool isError(unsigned status)
{
    return status >= 500 || status == 0;
}

void appendEventRow(std::string& out, const RequestEvent& e)
{
    CsvWriter w(out);
    w.millis(e.tUs)
        .field(e.clientId)
        .field(formatIpv4(e.clientIp))
        .field(e.sessionKey)
        .field(e.method)
        .field(e.path)
        .field(e.policy)
        .field(toString(e.decision))
        .field(e.backend >= 0 ? std::string_view(e.backendName) : std::string_view())
        .field(e.status)
        .field(e.latencyUs)
        .field(toString(e.session));
    w.endRow();
}

struct BackendRun {
    std::string name;
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;
    std::uint64_t sessionMisses = 0;
    std::array<std::uint64_t, HrspCount> hrsp{};
    LatencyHistogram latency;
};

struct BackendInterval {
    std::uint64_t requests = 0;
    std::uint64_t sessionMisses = 0;
    std::array<std::uint64_t, HrspCount> hrsp{};
    LatencyHistogram latency;
};

/// Consecutive events, kept as their formatted events.csv rows: about a third of the memory of
/// the structs, spilled and exported as they are, and reused once on disk (no allocation per event).
struct EventChunk {
    std::string rows;
    std::size_t events = 0;
};

} // namespace

struct Capture::State {
    explicit State(Options o)
        : options(std::move(o)),
          eventsFile(options.spillDirectory, "events"),
          serversFile(options.spillDirectory, "servers"),
          clients({options.clientCapacity, options.storyEntries})
    {
        options.memoryEvents = std::max<std::size_t>(options.memoryEvents, 2);
        chunkEvents = std::clamp<std::size_t>(options.memoryEvents / 8, 1, kMaxChunkEvents);
        if (options.intervalMs <= 0)
            options.intervalMs = 500;
    }

    Options options;
    std::atomic<Clock::rep> runStartTicks{Clock::now().time_since_epoch().count()};

    // Lock order: spillMutex before mutex, never the other way. `mutex` is held only to move
    // data; spill writes happen under spillMutex alone, which recorders only try to take, so
    // they wait for the disk only when memory is at its hard cap (backpressure, not loss).
    mutable std::mutex spillMutex;
    mutable std::mutex mutex;

    // Events, oldest first: eventsFile, then eventsPending (cut from memory, not yet written),
    // then events. Only the spillMutex holder takes from eventsPending's front.
    std::deque<EventChunk> events; // the last chunk is the one being filled
    std::size_t memoryEventCount = 0;
    std::deque<EventChunk> eventsPending;
    std::size_t pendingEventCount = 0;
    std::vector<std::string> spareChunks; // written chunks' buffers, kept for reuse (bounded)
    std::size_t chunkEvents = 1;          // events per chunk: an eighth of the memory bound
    std::uint64_t spilledEvents = 0;
    bool eventSpillFailing = false;

    // servers.csv rows, formatted, oldest first: serversFile, serversPending, serverRows.
    std::string serverRows;
    std::deque<std::string> serversPending;
    std::size_t pendingServerBytes = 0;
    bool serverSpillFailing = false;
    std::uint64_t droppedServerRowBytes = 0;

    Totals totals;
    std::vector<BackendRun> backends;
    std::vector<BackendInterval> interval;
    IntervalRow current; // lab-wide counters of the open interval
    std::int64_t intervalStartUs = 0;
    std::deque<IntervalRow> history;

    SinceChange sinceChange; // counters since the lab's last change (the whole run before any)
    std::deque<LabEvent> log;

    SpillFile eventsFile;
    SpillFile serversFile;
    ClientTracker clients;

    Totals totalsNow() const
    {
        Totals t = totals;
        t.untrackedClients = clients.untracked();
        return t;
    }

    std::int64_t nowUs() const
    {
        const TimePoint start{Clock::duration(runStartTicks.load(std::memory_order_relaxed))};
        return microsSince(start, Clock::now());
    }

    void pushLog(LabEvent event)
    {
        log.push_back(std::move(event));
        while (log.size() > options.logCapacity) {
            log.pop_front();
            ++totals.droppedLabEvents;
        }
    }

    void ensureBackend(std::size_t index)
    {
        if (backends.size() <= index)
            backends.resize(index + 1);
        if (interval.size() <= index)
            interval.resize(index + 1);
    }

    void account(const RequestEvent& e)
    {
        ++totals.requests;
        const bool error = isError(e.status);
        const bool miss = e.session == SessionOutcome::Miss;
        if (error)
            ++totals.errors;
        if (miss || e.session == SessionOutcome::Hit) {
            ++totals.sessionRequests;
            ++current.sessionRequests;
        }
        if (miss) {
            ++totals.sessionMisses;
            ++current.sessionMisses;
        }
        // A request that arrived before the change was routed before it: it belongs to the earlier period.
        if (sinceChange.tUs < 0 || e.tUs >= sinceChange.tUs) {
            ++sinceChange.requests;
            sinceChange.sessionRequests += miss || e.session == SessionOutcome::Hit ? 1 : 0;
            sinceChange.sessionMisses += miss ? 1 : 0;
        }
        if (e.decision == DecisionKind::Repinned)
            ++totals.repins;
        if (e.decision == DecisionKind::Retried)
            ++totals.retries;

        if (e.backend >= 0 && e.backend < kMaxBackends) {
            const auto index = static_cast<std::size_t>(e.backend);
            ensureBackend(index);
            const Hrsp cls = hrspClass(e.status);
            BackendRun& run = backends[index];
            if (!e.backendName.empty() && run.name != e.backendName)
                run.name = e.backendName;
            ++run.requests;
            run.errors += error ? 1 : 0;
            run.sessionMisses += miss ? 1 : 0;
            ++run.hrsp[cls];
            run.latency.record(e.latencyUs);
            BackendInterval& now = interval[index];
            ++now.requests;
            now.sessionMisses += miss ? 1 : 0;
            ++now.hrsp[cls];
            now.latency.record(e.latencyUs);
        }

        const ClientTracker::Outcome outcome = clients.record(e);
        totals.affinityBreaks += outcome.affinityBreak ? 1 : 0;
        current.affinityBreaks += outcome.affinityBreak ? 1 : 0;
        totals.remappedClients += outcome.remapped ? 1 : 0;
        current.remaps += outcome.remapped ? 1 : 0;
    }

    /// Appends one formatted row to the chunk being filled; past the memory bound, moves the older
    /// half to the spill queue. True when there is something to spill.
    bool keep(std::string_view row)
    {
        if (events.empty() || events.back().events >= chunkEvents) {
            EventChunk chunk;
            if (!spareChunks.empty()) {
                chunk.rows = std::move(spareChunks.back());
                spareChunks.pop_back();
            } else {
                chunk.rows.reserve(chunkEvents * kTypicalRowBytes);
            }
            events.push_back(std::move(chunk));
        }
        events.back().rows += row;
        ++events.back().events;
        ++memoryEventCount;
        if (memoryEventCount <= options.memoryEvents)
            return false;
        while (events.size() > 1 && memoryEventCount > options.memoryEvents / 2) {
            memoryEventCount -= events.front().events;
            pendingEventCount += events.front().events;
            eventsPending.push_back(std::move(events.front()));
            events.pop_front();
        }
        return true;
    }

    /// Writes what waits to be spilled. With `wait` false it leaves the work to the thread
    /// already at it; never holds `mutex` during I/O.
    void drainSpills(bool wait)
    {
        std::unique_lock spillLock(spillMutex, std::defer_lock);
        if (wait)
            spillLock.lock();
        else if (!spillLock.try_lock())
            return;
        for (;;) {
            EventChunk batch;
            std::string rows;
            bool isEvents = false;
            {
                std::lock_guard lock(mutex);
                if (!eventsPending.empty()) {
                    // Moved out but still counted as pending until it is on disk.
                    batch = std::move(eventsPending.front());
                    isEvents = true;
                } else if (!serversPending.empty()) {
                    rows = std::move(serversPending.front());
                } else {
                    return;
                }
            }
            const std::string error = isEvents ? eventsFile.append(batch.rows) : serversFile.append(rows);
            std::lock_guard lock(mutex);
            bool& failing = isEvents ? eventSpillFailing : serverSpillFailing;
            if (!error.empty()) {
                if (isEvents)
                    eventsPending.front() = std::move(batch);
                else
                    serversPending.front() = std::move(rows);
                if (!failing)
                    pushLog({nowUs(), LabEventKind::Error, "capture",
                             error + "; keeping data in memory up to a bound, then counting losses"});
                failing = true;
                return;
            }
            if (failing)
                pushLog({nowUs(), LabEventKind::Note, "capture", "spilling to disk works again"});
            failing = false;
            if (isEvents) {
                pendingEventCount -= batch.events;
                spilledEvents += batch.events;
                eventsPending.pop_front();
                if (spareChunks.size() < kSpareChunks) {
                    batch.rows.clear();
                    spareChunks.push_back(std::move(batch.rows));
                }
            } else {
                pendingServerBytes -= rows.size();
                serversPending.pop_front();
            }
        }
    }
};

Capture::Capture(Options options) : m_state(std::make_unique<State>(std::move(options))) {}

Capture::~Capture() = default;

void Capture::begin(TimePoint runStart)
{
    m_state->runStartTicks.store(runStart.time_since_epoch().count(), std::memory_order_relaxed);
}

TimePoint Capture::runStart() const
{
    return TimePoint{Clock::duration(m_state->runStartTicks.load(std::memory_order_relaxed))};
}

std::int64_t Capture::sinceStartUs(TimePoint t) const
{
    return microsSince(runStart(), t);
}

void Capture::registerClient(const std::string& id, const std::string& group, Ipv4 ip)
{
    std::lock_guard lock(m_state->mutex);
    m_state->clients.registerClient(id, group, ip);
}

void Capture::record(const RequestEvent& event)
{
    // Formatted before the lock, into a buffer each recording thread reuses.
    thread_local std::string row;
    row.clear();
    appendEventRow(row, event);

    State& s = *m_state;
    bool spill = false;
    bool wait = false;
    {
        std::lock_guard lock(s.mutex);
        s.account(event);
        const bool full =
            s.memoryEventCount + s.pendingEventCount >= kHardCapFactor * s.options.memoryEvents;
        if (full && s.eventSpillFailing) {
            // The spill file cannot be written: the balancer must go on, so the event is
            // counted, not kept. Now and then the disk is tried again.
            ++s.totals.droppedEvents;
            spill = s.totals.droppedEvents % s.options.memoryEvents == 0;
        } else {
            // Full while spilling works means the writer lags: wait for it (backpressure).
            wait = full;
            spill = s.keep(row) || full;
        }
    }
    if (spill)
        s.drainSpills(wait);
}

void Capture::recordIpChange(const std::string& clientId, Ipv4 from, Ipv4 to, std::int64_t tUs)
{
    State& s = *m_state;
    std::lock_guard lock(s.mutex);
    ++s.totals.ipChanges;
    ++s.current.ipChanges;
    s.clients.recordIpChange(clientId, from, to, tUs);
}

void Capture::recordLabEvent(LabEvent event)
{
    State& s = *m_state;
    std::lock_guard lock(s.mutex);
    s.pushLog(std::move(event));
}

void Capture::markTopologyChange()
{
    std::lock_guard lock(m_state->mutex);
    m_state->clients.markTopologyChange();
}

void Capture::markChange(std::int64_t tUs, std::string what)
{
    std::lock_guard lock(m_state->mutex);
    m_state->sinceChange = SinceChange{tUs, std::move(what)};
}

ClientStory Capture::story(const std::string& clientId) const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->clients.story(clientId);
}

void Capture::closeInterval(std::int64_t endUs, const std::vector<ServerGauge>& gauges)
{
    State& s = *m_state;
    bool spill = false;
    {
        std::lock_guard lock(s.mutex);
        const std::size_t n =
            std::min<std::size_t>(std::max(gauges.size(), s.backends.size()), kMaxBackends);
        if (n > 0)
            s.ensureBackend(n - 1);

        IntervalRow row = s.current;
        row.endUs = endUs;
        row.lengthUs = endUs - s.intervalStartUs;
        if (row.lengthUs <= 0)
            row.lengthUs = static_cast<std::int64_t>(s.options.intervalMs) * 1000;
        const double seconds = static_cast<double>(row.lengthUs) / 1e6;
        row.servers.resize(n);

        std::string rows;
        CsvWriter w(rows);
        for (std::size_t i = 0; i < n; ++i) {
            BackendRun& run = s.backends[i];
            BackendInterval& now = s.interval[i];
            ServerInterval& si = row.servers[i];
            if (i < gauges.size()) {
                const ServerGauge& g = gauges[i];
                if (!g.name.empty())
                    run.name = g.name;
                si.active = g.active;
                si.sessions = g.sessions;
                si.state = g.state;
                si.weight = g.weight;
            }
            si.requests = now.requests;
            si.p50Us = now.latency.percentile(0.50);
            si.p99Us = now.latency.percentile(0.99);
            si.hrsp2xx = now.hrsp[Hrsp2xx];
            si.hrsp3xx = now.hrsp[Hrsp3xx];
            si.hrsp4xx = now.hrsp[Hrsp4xx];
            si.hrsp5xx = now.hrsp[Hrsp5xx];
            si.hrspOther = now.hrsp[HrspOther];
            si.sessionMisses = now.sessionMisses;

            w.millis(endUs)
                .field(run.name)
                .field(toString(si.state))
                .field(si.weight)
                .field(si.active)
                .field(run.requests)
                .decimal(static_cast<double>(si.requests) / seconds, 2)
                .field(si.requests)
                .field(run.requests)
                .field(run.hrsp[Hrsp2xx])
                .field(run.hrsp[Hrsp3xx])
                .field(run.hrsp[Hrsp4xx])
                .field(run.hrsp[Hrsp5xx])
                .field(si.p50Us)
                .field(si.p99Us)
                .field(si.sessions)
                .field(si.sessionMisses);
            w.endRow();

            now.requests = 0;
            now.sessionMisses = 0;
            now.hrsp = {};
            now.latency.clear();
        }

        s.current = IntervalRow{};
        s.intervalStartUs = endUs;
        s.history.push_back(std::move(row));
        while (s.history.size() > std::max<std::size_t>(s.options.historyIntervals, 1))
            s.history.pop_front();

        if (s.serverRows.size() + s.pendingServerBytes + rows.size() >
            kHardCapFactor * kServerRowBytesInMemory) {
            if (s.droppedServerRowBytes == 0)
                s.pushLog({s.nowUs(), LabEventKind::Error, "capture",
                           "servers.csv rows are being dropped: the spill file cannot be written"});
            s.droppedServerRowBytes += rows.size();
            spill = true; // two tries a second cost nothing and notice a disk with room again
        } else {
            s.serverRows += rows;
            if (s.serverRows.size() > kServerRowBytesInMemory) {
                s.pendingServerBytes += s.serverRows.size();
                s.serversPending.push_back(std::move(s.serverRows));
                s.serverRows.clear();
                spill = true;
            }
        }
    }
    if (spill)
        s.drainSpills(false);
}

Totals Capture::totals() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->totalsNow();
}

std::vector<ServerRunStats> Capture::serverStats() const
{
    const State& s = *m_state;
    std::lock_guard lock(s.mutex);
    std::vector<ServerRunStats> stats;
    stats.reserve(s.backends.size());
    for (const BackendRun& run : s.backends) {
        ServerRunStats st;
        st.name = run.name;
        st.requests = run.requests;
        st.p50Us = run.latency.percentile(0.50);
        st.p99Us = run.latency.percentile(0.99);
        st.errors = run.errors;
        st.sessionMisses = run.sessionMisses;
        stats.push_back(std::move(st));
    }
    return stats;
}

std::uint64_t Capture::eventCount() const
{
    const State& s = *m_state;
    std::lock_guard lock(s.mutex);
    return s.spilledEvents + s.pendingEventCount + s.memoryEventCount;
}

void Capture::fillSnapshot(Snapshot& out, std::size_t historyLimit, std::size_t logLimit) const
{
    const State& s = *m_state;
    std::lock_guard lock(s.mutex);
    out.totals = s.totalsNow();
    out.sinceChange = s.sinceChange;
    out.clients.clear();
    s.clients.fill(out.clients);
    if (!out.story.clientId.empty())
        out.story = s.clients.story(out.story.clientId);

    const std::size_t h = std::min(historyLimit, s.history.size());
    out.history.assign(s.history.end() - static_cast<std::ptrdiff_t>(h), s.history.end());
    const std::size_t l = std::min(logLimit, s.log.size());
    out.log.assign(s.log.end() - static_cast<std::ptrdiff_t>(l), s.log.end());

    const IntervalRow* last = s.history.empty() ? nullptr : &s.history.back();
    for (std::size_t i = 0; i < out.servers.size(); ++i) {
        ServerView& v = out.servers[i];
        if (i < s.backends.size()) {
            const BackendRun& run = s.backends[i];
            v.requests = run.requests;
            v.errors = run.errors;
            v.sessionMisses = run.sessionMisses;
        }
        if (last && i < last->servers.size()) {
            const ServerInterval& si = last->servers[i];
            v.rps = static_cast<double>(si.requests) * 1e6 / static_cast<double>(last->lengthUs);
            v.p50Us = si.p50Us;
            v.p99Us = si.p99Us;
        }
    }
}

std::vector<LabEvent> Capture::labEvents() const
{
    const State& s = *m_state;
    std::lock_guard lock(s.mutex);
    return {s.log.begin(), s.log.end()};
}

void Capture::writeEventsCsv(std::ostream& out) const
{
    const State& s = *m_state;
    // A consistent cut: the file's length and the events after it, taken with no spill in
    // flight. Then the locks are released, so recording and spilling go on during the export.
    std::string rest;
    std::filesystem::path file;
    std::uint64_t fileBytes = 0;
    {
        std::lock_guard spillLock(s.spillMutex);
        std::lock_guard lock(s.mutex);
        file = s.eventsFile.path();
        fileBytes = s.eventsFile.bytes();
        std::size_t bytes = 0;
        for (const auto& chunk : s.eventsPending)
            bytes += chunk.rows.size();
        for (const auto& chunk : s.events)
            bytes += chunk.rows.size();
        rest.reserve(bytes);
        for (const auto& chunk : s.eventsPending)
            rest += chunk.rows;
        for (const auto& chunk : s.events)
            rest += chunk.rows;
    }
    std::string buffer(kEventsHeader);
    buffer += CsvWriter::kLineEnd;
    writeOrThrow(out, buffer, "events.csv");
    // Rows are kept as requests complete, but t_ms is the arrival: sorted here, in bounded runs.
    TimeOrderedRows ordered({s.options.spillDirectory, s.options.sortRunRows});
    ordered.addFile(file, fileBytes);
    ordered.addText(std::move(rest));
    ordered.write(out);
    out.flush();
    if (!out)
        throw std::runtime_error("cannot write events.csv: flushing the output failed");
}

void Capture::writeServersCsv(std::ostream& out) const
{
    const State& s = *m_state;
    std::string rest;
    std::filesystem::path file;
    std::uint64_t fileBytes = 0;
    {
        std::lock_guard spillLock(s.spillMutex);
        std::lock_guard lock(s.mutex);
        file = s.serversFile.path();
        fileBytes = s.serversFile.bytes();
        rest.reserve(s.pendingServerBytes + s.serverRows.size());
        for (const std::string& chunk : s.serversPending)
            rest += chunk;
        rest += s.serverRows;
    }
    std::string header(kServersHeader);
    header += CsvWriter::kLineEnd;
    writeOrThrow(out, header, "servers.csv");
    copySpillPrefix(file, fileBytes, out, "servers.csv");
    writeOrThrow(out, rest, "servers.csv");
    out.flush();
    if (!out)
        throw std::runtime_error("cannot write servers.csv: flushing the output failed");
}

} // namespace lblab
