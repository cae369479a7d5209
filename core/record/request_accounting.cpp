#include "core/record/request_accounting.h"

#include <algorithm>
#include <utility>

namespace lblab {

namespace {

// A bogus server index must not allocate gigabytes of counters.

void count(BackendCounts& s, const RequestEvent& e, bool error, bool miss)
{
    ++s.requests;
    s.errors += error ? 1 : 0;
    s.sessionMisses += miss ? 1 : 0;
    ++s.byStatusClass[RequestAccounting::classOf(e.status)];
    s.latency.record(e.latencyUs);
}

} // namespace

RequestAccounting::RequestAccounting(Options options)
    : m_clients({options.clientCapacity, options.storyEntries})
{
}

StatusClass RequestAccounting::classOf(unsigned status)
{
    switch (status / 100) {
    case 2: return Status2xx;
    case 3: return Status3xx;
    case 4: return Status4xx;
    case 5: return Status5xx;
    default: return StatusOther;
    }
}

void RequestAccounting::registerClient(const std::string& id, const std::string& group, Ipv4 ip)
{
    m_clients.registerClient(id, group, ip);
}

std::vector<std::string> RequestAccounting::backendNames() const
{
    std::vector<std::string> names;
    names.reserve(m_servers.size());
    for (const BackendCounts& s : m_servers)
        names.push_back(s.name);
    return names;
}

ClientTracker::Outcome RequestAccounting::request(const RequestEvent& e)
{
    ++m_totals.requests;
    const bool error = isError(e.status);
    const bool miss = lostSession(e.session);
    const bool sessionNeeded = needsSession(e.session);
    m_totals.errors += error ? 1 : 0;
    m_totals.sessionRequests += sessionNeeded ? 1 : 0;
    m_totals.sessionMisses += miss ? 1 : 0;
    m_totals.invalidSessions += e.session == SessionOutcome::Invalid ? 1 : 0;
    m_interval.sessionRequests += sessionNeeded ? 1 : 0;
    m_interval.sessionMisses += miss ? 1 : 0;
    m_totals.repins += e.decision == DecisionKind::Repinned ? 1 : 0;
    m_totals.retries += e.decision == DecisionKind::Retried ? 1 : 0;

    if (e.backend >= 0 && static_cast<std::size_t>(e.backend) < kMaxRecordedBackends) {
        const auto index = static_cast<std::size_t>(e.backend);
        ensureBackends(index + 1);
        BackendCounts& run = m_servers[index];
        if (!e.backendName.empty() && run.name != e.backendName)
            run.name = e.backendName;
        count(run, e, error, miss);
        count(m_interval.servers[index], e, error, miss);
    }

    const ClientTracker::Outcome outcome = m_clients.record(e);
    m_totals.affinityBreaks += outcome.affinityBreak ? 1 : 0;
    m_interval.affinityBreaks += outcome.affinityBreak ? 1 : 0;
    m_totals.remappedClients += outcome.remapped ? 1 : 0;
    m_interval.remaps += outcome.remapped ? 1 : 0;
    return outcome;
}

void RequestAccounting::ipChange(const std::string& clientId, Ipv4 from, Ipv4 to, std::int64_t tUs)
{
    ++m_totals.ipChanges;
    ++m_interval.ipChanges;
    m_clients.recordIpChange(clientId, from, to, tUs);
}

void RequestAccounting::topologyChange() { m_clients.markTopologyChange(); }

void RequestAccounting::ensureBackends(std::size_t count)
{
    count = std::min(count, kMaxRecordedBackends);
    if (m_servers.size() < count)
        m_servers.resize(count);
    if (m_interval.servers.size() < count)
        m_interval.servers.resize(count);
}

void RequestAccounting::nameBackend(std::size_t index, const std::string& name)
{
    if (name.empty() || index >= kMaxRecordedBackends)
        return;
    ensureBackends(index + 1);
    m_servers[index].name = name;
}

IntervalCounts RequestAccounting::closeInterval()
{
    IntervalCounts closed = std::move(m_interval);
    m_interval = IntervalCounts{};
    m_interval.servers.resize(m_servers.size());
    return closed;
}

Totals RequestAccounting::totals() const
{
    Totals t = m_totals;
    t.untrackedClients = m_clients.untracked();
    return t;
}

std::vector<BackendRunStats> RequestAccounting::backendStats() const
{
    std::vector<BackendRunStats> stats;
    stats.reserve(m_servers.size());
    for (const BackendCounts& s : m_servers) {
        BackendRunStats st;
        st.name = s.name;
        st.requests = s.requests;
        st.p50Us = s.latency.percentile(0.50);
        st.p99Us = s.latency.percentile(0.99);
        st.errors = s.errors;
        st.sessionMisses = s.sessionMisses;
        stats.push_back(std::move(st));
    }
    return stats;
}

} // namespace lblab
