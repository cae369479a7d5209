#include "core/record/capture.h"

#include "core/record/csv_writer.h"
#include "core/record/recent_requests.h"
#include "core/record/events_csv.h"
#include "core/record/request_notes.h"
#include "core/record/run_change.h"
#include "core/record/spill_file.h"
#include "core/record/time_ordered_rows.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>
#include <optional>
#include <ostream>
#include <stdexcept>

namespace lblab {

namespace {

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
// servers.csv and changes.csv rows kept in memory before they spill; rows are ~80 bytes, so hours of
// a small lab.
constexpr std::size_t kRowBytesInMemory = 1 << 20;
// Memory may hold this many times the configured bound while the spill file cannot be written.
constexpr std::size_t kHardCapFactor = 4;
// Events per in-memory chunk at most, and written chunks kept for reuse.
constexpr std::size_t kMaxChunkEvents = 4096;
constexpr std::size_t kSpareChunks = 8;
constexpr std::size_t kTypicalRowBytes = 96;

/// The kind of changes.csv row a lab event is, if it is one.
std::optional<RunChange::Kind> changeKindOf(LabEventKind kind)
{
    using K = RunChange::Kind;
    switch (kind) {
    case LabEventKind::BackendDown: return K::BackendDown;
    case LabEventKind::BackendUp: return K::BackendUp;
    case LabEventKind::BackendDraining: return K::BackendDraining;
    case LabEventKind::BackendAdded: return K::BackendAdded;
    case LabEventKind::BackendRemoved: return K::BackendRemoved;
    case LabEventKind::WeightChanged: return K::WeightChanged;
    case LabEventKind::PolicySwitched: return K::PolicySwitched;
    default: return std::nullopt;
    }
}

/// Formatted CSV rows of one file, oldest first: in `file`, then `pending` (cut from memory, not
/// yet written), then `rows`. Bounded: past a hard cap new rows are counted, not kept.
struct SpilledRows {
    SpilledRows(const std::filesystem::path& directory, std::string stem, std::string_view header)
        : file(directory, stem), name(std::move(stem) + ".csv"), header(header)
    {
    }
    SpillFile file;
    std::string name;        ///< the exported file, e.g. "servers.csv"
    std::string_view header; ///< its header row
    std::string rows;
    std::deque<std::string> pending;
    std::size_t pendingBytes = 0;
    bool failing = false;
    std::uint64_t droppedBytes = 0;
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
          servers(options.spillDirectory, "servers", kServersHeader),
          changes(options.spillDirectory, "changes", RunChange::kCsvHeader),
          accounting({options.clientCapacity, options.storyEntries})
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

    std::uint64_t droppedEvents = 0;
    std::uint64_t droppedLabEvents = 0;
    std::int64_t intervalStartUs = 0;
    std::deque<IntervalRow> history;

    SinceChange sinceChange; // counters since the lab's last change (the whole run before any)
    std::deque<LabEvent> log;

    SpillFile eventsFile;
    SpilledRows servers;
    SpilledRows changes;
    RequestAccounting accounting;
    RecentRequests recent{Snapshot::kRecentRequests + Snapshot::kRecentRequests / 4}; // the flow view's
    RequestNotes requestNotes; // the log's entries for re-pins and affinity breaks

    Totals totalsNow() const
    {
        Totals t = accounting.totals();
        t.droppedEvents = droppedEvents;
        t.droppedLabEvents = droppedLabEvents;
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
            ++droppedLabEvents;
        }
    }

    /// Keeps `text` (whole rows) for its file; true when there is something to spill.
    bool keepRows(SpilledRows& to, std::string text)
    {
        if (to.rows.size() + to.pendingBytes + text.size() > kHardCapFactor * kRowBytesInMemory) {
            if (to.droppedBytes == 0)
                pushLog({nowUs(), LabEventKind::Error, "capture",
                         to.name + " rows are being dropped: the spill file cannot be written"});
            to.droppedBytes += text.size();
            return true; // a try now and then notices a disk with room again
        }
        to.rows += text;
        if (to.rows.size() <= kRowBytesInMemory)
            return false;
        to.pendingBytes += to.rows.size();
        to.pending.push_back(std::move(to.rows));
        to.rows.clear();
        return true;
    }

    /// Records a change as it happens, after the requests counted so far; true when there is
    /// something to spill.
    bool keepChange(RunChange change)
    {
        change.afterSeq = accounting.totals().requests;
        std::string row;
        change.appendCsvRow(row);
        return keepRows(changes, std::move(row));
    }

    // Counts a request; the part of the snapshot that only the live run has (counts since the
    // lab's last change) is counted here too.
    void account(const RequestEvent& e)
    {
        const ClientTracker::Outcome outcome = accounting.request(e);
        if (e.decision == DecisionKind::Repinned || outcome.affinityBreak) // rare: its text is built now
            if (auto note = requestNotes.noteFor(e, outcome, accounting.backendNames()))
                pushLog(std::move(*note));
        // A request that arrived before the change was routed before it: it belongs to the earlier period.
        if (sinceChange.tUs < 0 || e.tUs >= sinceChange.tUs) {
            const bool miss = lostSession(e.session);
            ++sinceChange.requests;
            sinceChange.sessionRequests += needsSession(e.session) ? 1 : 0;
            sinceChange.sessionMisses += miss ? 1 : 0;
        }
    }

    /// Appends one formatted row, ended by its `seq` and its `why` field (a reason code or an
    /// engine's text), to the chunk being filled; past the memory bound, moves the older half to
    /// the spill queue. True when there is something to spill.
    bool keep(std::string_view row, std::uint64_t seq, std::string_view why)
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
        CsvWriter end(events.back().rows);
        end.field(seq).field(why);
        end.endRow();
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
            SpilledRows* other = nullptr; // the servers.csv or changes.csv rows being written
            {
                std::lock_guard lock(mutex);
                if (!eventsPending.empty()) {
                    // Moved out but still counted as pending until it is on disk.
                    batch = std::move(eventsPending.front());
                } else if (!servers.pending.empty() || !changes.pending.empty()) {
                    other = servers.pending.empty() ? &changes : &servers;
                    rows = std::move(other->pending.front());
                } else {
                    return;
                }
            }
            const bool isEvents = other == nullptr;
            const std::string error = isEvents ? eventsFile.append(batch.rows) : other->file.append(rows);
            std::lock_guard lock(mutex);
            bool& failing = isEvents ? eventSpillFailing : other->failing;
            if (!error.empty()) {
                if (isEvents)
                    eventsPending.front() = std::move(batch);
                else
                    other->pending.front() = std::move(rows);
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
                other->pendingBytes -= rows.size();
                other->pending.pop_front();
            }
        }
    }
};

Capture::Capture(Options options) : m_state(std::make_unique<State>(std::move(options))) {}

Capture::~Capture() = default;

void Capture::begin(TimePoint runStart, const std::string& policy)
{
    State& s = *m_state;
    s.runStartTicks.store(runStart.time_since_epoch().count(), std::memory_order_relaxed);
    if (policy.empty())
        return;
    RunChange started;
    started.kind = RunChange::Kind::RunStarted;
    started.policy = policy;
    std::lock_guard lock(s.mutex);
    s.keepChange(std::move(started));
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
    m_state->accounting.registerClient(id, group, ip);
}

void Capture::record(const RequestEvent& event)
{
    // Formatted before the lock, into a buffer each recording thread reuses.
    thread_local std::string row;
    thread_local std::string why;
    row.clear();
    events_csv::appendLeadingFields(row, event);
    why.clear();
    events_csv::appendKeptWhy(why, event); // a code: the text is built when the file is exported

    State& s = *m_state;
    bool spill = false;
    bool wait = false;
    {
        std::lock_guard lock(s.mutex);
        s.account(event);
        s.recent.push(event, event.tUs + event.latencyUs); // a reused slot: no allocation once warm
        const bool full =
            s.memoryEventCount + s.pendingEventCount >= kHardCapFactor * s.options.memoryEvents;
        if (full && s.eventSpillFailing) {
            // The spill file cannot be written: the balancer must go on, so the event is
            // counted, not kept. Now and then the disk is tried again.
            ++s.droppedEvents;
            spill = s.droppedEvents % s.options.memoryEvents == 0;
        } else {
            // Full while spilling works means the writer lags: wait for it (backpressure). The
            // row's seq is the order of counting, which the replay follows.
            wait = full;
            spill = s.keep(row, s.accounting.totals().requests, why) || full;
        }
    }
    if (spill)
        s.drainSpills(wait);
}

void Capture::recordIpChange(const std::string& clientId, Ipv4 from, Ipv4 to, std::int64_t tUs)
{
    State& s = *m_state;
    RunChange change;
    change.tUs = tUs;
    change.kind = RunChange::Kind::IpChanged;
    change.clientId = clientId;
    change.oldIp = from;
    change.newIp = to;
    bool spill = false;
    {
        std::lock_guard lock(s.mutex);
        s.accounting.ipChange(clientId, from, to, tUs);
        spill = s.keepChange(std::move(change));
    }
    if (spill)
        s.drainSpills(false);
}

void Capture::recordLabEvent(LabEvent event)
{
    State& s = *m_state;
    std::optional<RunChange> change;
    if (const auto kind = changeKindOf(event.kind)) {
        change.emplace();
        change->tUs = event.tUs;
        change->kind = *kind;
        (*kind == RunChange::Kind::PolicySwitched ? change->policy : change->server) = event.subject;
        change->detail = event.detail;
    }
    bool spill = false;
    {
        std::lock_guard lock(s.mutex);
        s.pushLog(std::move(event));
        if (change)
            spill = s.keepChange(std::move(*change));
    }
    if (spill)
        s.drainSpills(false);
}

void Capture::markTopologyChange()
{
    State& s = *m_state;
    RunChange change;
    change.tUs = s.nowUs();
    change.kind = RunChange::Kind::TopologyChanged;
    bool spill = false;
    {
        std::lock_guard lock(s.mutex);
        s.accounting.topologyChange();
        spill = s.keepChange(std::move(change));
    }
    if (spill)
        s.drainSpills(false);
}

void Capture::markChange(std::int64_t tUs, std::string what)
{
    std::lock_guard lock(m_state->mutex);
    m_state->sinceChange = SinceChange{tUs, std::move(what)};
}

ClientStory Capture::story(const std::string& clientId) const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->accounting.clients().story(clientId);
}

void Capture::closeInterval(std::int64_t endUs, const std::vector<BackendGauge>& gauges)
{
    State& s = *m_state;
    bool spill = false;
    {
        std::lock_guard lock(s.mutex);
        RequestAccounting& a = s.accounting;
        const std::size_t n = std::min(std::max(gauges.size(), a.servers().size()), kMaxRecordedBackends);
        a.ensureBackends(n);
        for (std::size_t i = 0; i < n && i < gauges.size(); ++i)
            a.nameBackend(i, gauges[i].name);
        const IntervalCounts closed = a.closeInterval();

        IntervalRow row;
        row.endUs = endUs;
        row.lengthUs = endUs - s.intervalStartUs;
        if (row.lengthUs <= 0)
            row.lengthUs = static_cast<std::int64_t>(s.options.intervalMs) * 1000;
        row.sessionRequests = closed.sessionRequests;
        row.sessionMisses = closed.sessionMisses;
        row.affinityBreaks = closed.affinityBreaks;
        row.ipChanges = closed.ipChanges;
        row.remaps = closed.remaps;
        const double seconds = static_cast<double>(row.lengthUs) / 1e6;
        row.servers.resize(n);

        std::string rows;
        CsvWriter w(rows);
        for (std::size_t i = 0; i < n; ++i) {
            const BackendCounts& run = a.servers()[i];
            const BackendCounts& now = closed.servers[i];
            BackendInterval& si = row.servers[i];
            if (i < gauges.size()) {
                const BackendGauge& g = gauges[i];
                si.active = g.active;
                si.sessions = g.sessions;
                si.state = g.state;
                si.weight = g.weight;
            }
            si.requests = now.requests;
            si.p50Us = now.latency.percentile(0.50);
            si.p99Us = now.latency.percentile(0.99);
            si.hrsp2xx = now.byStatusClass[Status2xx];
            si.hrsp3xx = now.byStatusClass[Status3xx];
            si.hrsp4xx = now.byStatusClass[Status4xx];
            si.hrsp5xx = now.byStatusClass[Status5xx];
            si.hrspOther = now.byStatusClass[StatusOther];
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
                .field(run.byStatusClass[Status2xx])
                .field(run.byStatusClass[Status3xx])
                .field(run.byStatusClass[Status4xx])
                .field(run.byStatusClass[Status5xx])
                .field(si.p50Us)
                .field(si.p99Us)
                .field(si.sessions)
                .field(si.sessionMisses);
            w.endRow();
        }

        s.intervalStartUs = endUs;
        s.history.push_back(std::move(row));
        while (s.history.size() > std::max<std::size_t>(s.options.historyIntervals, 1))
            s.history.pop_front();
        spill = s.keepRows(s.servers, std::move(rows));
    }
    if (spill)
        s.drainSpills(false);
}

Totals Capture::totals() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->totalsNow();
}

std::vector<BackendRunStats> Capture::backendStats() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->accounting.backendStats();
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
    s.accounting.clients().fill(out.clients);
    if (!out.story.clientId.empty())
        out.story = s.accounting.clients().story(out.story.clientId);

    const std::size_t h = std::min(historyLimit, s.history.size());
    out.history.assign(s.history.end() - static_cast<std::ptrdiff_t>(h), s.history.end());
    const std::size_t l = std::min(logLimit, s.log.size());
    out.log.assign(s.log.end() - static_cast<std::ptrdiff_t>(l), s.log.end());
    out.recentRequests.clear();
    s.recent.copyTo(out.recentRequests, s.nowUs() - 1'000'000, Snapshot::kRecentRequests);
    out.recentRequestsEnd = s.recent.total();

    const IntervalRow* last = s.history.empty() ? nullptr : &s.history.back();
    for (std::size_t i = 0; i < out.servers.size(); ++i) {
        BackendView& v = out.servers[i];
        if (i < s.accounting.servers().size()) {
            const BackendCounts& run = s.accounting.servers()[i];
            v.requests = run.requests;
            v.errors = run.errors;
            v.sessionMisses = run.sessionMisses;
        }
        if (last && i < last->servers.size()) {
            const BackendInterval& si = last->servers[i];
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
    std::vector<std::string> names; // by backend index, for the why column
    {
        std::lock_guard spillLock(s.spillMutex);
        std::lock_guard lock(s.mutex);
        file = s.eventsFile.path();
        fileBytes = s.eventsFile.bytes();
        names = s.accounting.backendNames();
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
    std::string buffer(events_csv::kHeader);
    buffer += CsvWriter::kLineEnd;
    writeOrThrow(out, buffer, "events.csv");
    // Rows are kept as requests complete, but t_ms is the arrival: sorted here, in bounded runs.
    TimeOrderedRows ordered({s.options.spillDirectory, s.options.sortRunRows});
    ordered.addFile(file, fileBytes);
    ordered.addText(std::move(rest));
    ordered.write(out, [&names](std::string_view row, std::string& into) {
        events_csv::appendExportedRow(into, row, names);
    });
    out.flush();
    if (!out)
        throw std::runtime_error("cannot write events.csv: flushing the output failed");
}

namespace {

/// Writes the header, then every row of `rows` (spilled first), consistently cut while recording goes on.
void writeSpilledRows(std::mutex& spillMutex, std::mutex& mutex, const SpilledRows& rows, std::ostream& out)
{
    std::string rest;
    std::filesystem::path file;
    std::uint64_t fileBytes = 0;
    {
        std::lock_guard spillLock(spillMutex);
        std::lock_guard lock(mutex);
        file = rows.file.path();
        fileBytes = rows.file.bytes();
        rest.reserve(rows.pendingBytes + rows.rows.size());
        for (const std::string& chunk : rows.pending)
            rest += chunk;
        rest += rows.rows;
    }
    std::string header(rows.header);
    header += CsvWriter::kLineEnd;
    writeOrThrow(out, header, rows.name);
    copySpillPrefix(file, fileBytes, out, rows.name);
    writeOrThrow(out, rest, rows.name);
    out.flush();
    if (!out)
        throw std::runtime_error("cannot write " + rows.name + ": flushing the output failed");
}

} // namespace

void Capture::writeServersCsv(std::ostream& out) const
{
    writeSpilledRows(m_state->spillMutex, m_state->mutex, m_state->servers, out);
}

void Capture::writeChangesCsv(std::ostream& out) const
{
    writeSpilledRows(m_state->spillMutex, m_state->mutex, m_state->changes, out);
}

} // namespace lblab
