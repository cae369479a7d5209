#include "core/proxy/backend_registry.h"

#include "core/record/capture.h"

#include <algorithm>
#include <limits>

namespace lblab {

BackendRegistry::BackendRegistry(std::unique_ptr<Policy> policy, Capture& capture)
    : m_capture(capture), m_policy(std::move(policy))
{
}

int BackendRegistry::add(const std::string& name, const std::string& region, int weight,
                         const boost::asio::ip::tcp::endpoint& endpoint)
{
    std::lock_guard lock(m_mutex);
    BackendInfo info;
    info.name = name;
    info.region = region;
    info.weight = weight;
    m_infos.push_back(info);
    m_endpoints.push_back(endpoint);
    m_health.emplace_back();
    m_policy->backendsChanged(m_infos);
    return static_cast<int>(m_infos.size()) - 1;
}

void BackendRegistry::remove(int index)
{
    {
        std::lock_guard lock(m_mutex);
        if (!known(index) || m_infos[index].removed)
            return;
        m_infos[index].removed = true;
        m_infos[index].up = false;
        m_policy->backendsChanged(m_infos);
    }
    m_capture.markTopologyChange();
}

void BackendRegistry::setDraining(int index, bool draining)
{
    std::lock_guard lock(m_mutex);
    if (!known(index))
        return;
    m_infos[index].draining = draining;
    m_policy->backendsChanged(m_infos);
}

void BackendRegistry::setWeight(int index, int weight)
{
    {
        std::lock_guard lock(m_mutex);
        if (!known(index))
            return;
        m_infos[index].weight = std::max(0, weight);
        m_policy->backendsChanged(m_infos);
    }
    m_capture.markTopologyChange();
}

void BackendRegistry::mark(int index, bool up, const std::string& reason)
{
    std::string name;
    {
        std::lock_guard lock(m_mutex);
        if (!known(index) || m_infos[index].removed || m_infos[index].up == up)
            return;
        m_infos[index].up = up;
        m_health[index] = {};
        m_policy->backendsChanged(m_infos);
        name = m_infos[index].name;
    }
    m_capture.markTopologyChange();
    m_capture.recordLabEvent({m_capture.sinceStartUs(Clock::now()),
                              up ? LabEventKind::BackendUp : LabEventKind::BackendDown, name, reason});
}

int BackendRegistry::count() const
{
    std::lock_guard lock(m_mutex);
    return static_cast<int>(m_infos.size());
}

bool BackendRegistry::removed(int index) const
{
    std::lock_guard lock(m_mutex);
    return !known(index) || m_infos[index].removed;
}

std::vector<BalancerBackend> BackendRegistry::backends() const
{
    std::lock_guard lock(m_mutex);
    std::vector<BalancerBackend> out;
    out.reserve(m_infos.size());
    for (std::size_t i = 0; i < m_infos.size(); ++i)
        out.push_back({m_infos[i], m_endpoints[i]});
    return out;
}

void BackendRegistry::choose(const RequestView& view, Decision& d, boost::asio::ip::tcp::endpoint& ep,
                             std::string& backendName, std::string& policyId, int avoid)
{
    std::lock_guard lock(m_mutex);
    const bool hide = known(avoid) && m_infos[avoid].up;
    if (hide)
        m_infos[avoid].up = false;
    m_policy->decide(view, m_infos, d);
    if (hide)
        m_infos[avoid].up = true;
    policyId.assign(m_policy->id());
    if (known(d.backend)) {
        ++m_infos[d.backend].active;
        ep = m_endpoints[d.backend];
        backendName.assign(m_infos[d.backend].name);
    } else {
        d.backend = -1;
        d.kind = DecisionKind::NoBackend;
        d.reason.rule = ReasonRule::NoBackend;
    }
}

void BackendRegistry::release(int backend)
{
    std::lock_guard lock(m_mutex);
    if (known(backend) && m_infos[backend].active > 0)
        --m_infos[backend].active;
}

void BackendRegistry::observeResponse(const RequestView& view, const Decision& decision, const ResponseView& response)
{
    std::lock_guard lock(m_mutex);
    m_policy->observeResponse(view, decision, response);
}

void BackendRegistry::copyPolicyId(std::string& out) const
{
    std::lock_guard lock(m_mutex);
    out.assign(m_policy->id());
}

std::optional<boost::asio::ip::tcp::endpoint> BackendRegistry::probeTarget(int index) const
{
    std::lock_guard lock(m_mutex);
    if (!known(index) || m_infos[index].removed)
        return std::nullopt;
    return m_endpoints[index];
}

std::optional<bool> BackendRegistry::countProbe(int index, bool ok, int rise, int fall)
{
    std::lock_guard lock(m_mutex);
    if (!known(index))
        return std::nullopt;
    HealthTally& h = m_health[index];
    if (ok) {
        h.failures = 0;
        ++h.successes;
        if (!m_infos[index].up && h.successes >= rise)
            return true;
    } else {
        h.successes = 0;
        ++h.failures;
        if (m_infos[index].up && h.failures >= fall)
            return false;
    }
    return std::nullopt;
}

PinHandover BackendRegistry::replacePolicy(std::unique_ptr<Policy> next, const std::string& id)
{
    std::string from;
    std::size_t pins = 0;
    PinHandover handover = PinHandover::Dropped;
    {
        std::lock_guard lock(m_mutex);
        from = std::string(m_policy->id());
        const auto rows = m_policy->table(std::numeric_limits<std::size_t>::max());
        pins = rows.size();
        handover = next->adoptPins(from, rows);
        next->backendsChanged(m_infos);
        m_policy = std::move(next);
    }
    std::string detail = "from " + from;
    if (pins > 0) {
        const char* what = handover == PinHandover::Kept        ? "kept"
                           : handover == PinHandover::Converted ? "converted"
                                                                : "dropped";
        detail += "; " + std::to_string(pins) + " pins " + what;
    } else {
        detail += "; no pins to hand over";
    }
    m_capture.markTopologyChange();
    m_capture.recordLabEvent({m_capture.sinceStartUs(Clock::now()), LabEventKind::PolicySwitched, id, detail});
    return handover;
}

std::string BackendRegistry::policyId() const
{
    std::lock_guard lock(m_mutex);
    return std::string(m_policy->id());
}

bool BackendRegistry::policyStateful() const
{
    std::lock_guard lock(m_mutex);
    return m_policy->stateful();
}

void BackendRegistry::expire(TimePoint now)
{
    std::lock_guard lock(m_mutex);
    m_policy->expire(now);
}

std::vector<PinEntry> BackendRegistry::table(std::size_t limit) const
{
    std::lock_guard lock(m_mutex);
    return m_policy->table(limit);
}

std::size_t BackendRegistry::tableSize() const
{
    std::lock_guard lock(m_mutex);
    return m_policy->tableSize();
}

std::vector<std::optional<PinEntry>> BackendRegistry::lookup(const std::vector<std::string>& keys) const
{
    std::vector<std::optional<PinEntry>> out;
    out.reserve(keys.size());
    std::lock_guard lock(m_mutex);
    const bool stateful = m_policy->stateful();
    for (const auto& key : keys)
        out.push_back(stateful && !key.empty() ? m_policy->lookup(key) : std::nullopt);
    return out;
}

} // namespace lblab
