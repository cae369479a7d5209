#include "core/lab/lab_setup.h"

#include <algorithm>

namespace lblab {

LabSetup::LabSetup(LabConfig initial) : m_inForce(initial), m_user(std::move(initial)) {}

void LabSetup::addBackend(LabConfig& config, const BackendSpec& spec)
{
    // A name comes back only if it left: the lab never reuses a name in one run.
    removeBackend(config, spec.name);
    config.servers.push_back(spec);
}

void LabSetup::removeBackend(LabConfig& config, const std::string& name)
{
    std::erase_if(config.servers, [&](const BackendSpec& s) { return s.name == name; });
}

void LabSetup::setWeight(LabConfig& config, const std::string& name, int weight)
{
    for (BackendSpec& s : config.servers)
        if (s.name == name)
            s.weight = std::max(0, weight);
}

void LabSetup::policyChanged(const std::string& id, ChangeOrigin origin)
{
    std::lock_guard lock(m_mutex);
    m_inForce.policy = id;
    if (origin == ChangeOrigin::User)
        m_user.policy = id;
}

void LabSetup::backendAdded(const BackendSpec& spec, ChangeOrigin origin)
{
    std::lock_guard lock(m_mutex);
    addBackend(m_inForce, spec);
    if (origin == ChangeOrigin::User)
        addBackend(m_user, spec);
}

void LabSetup::backendRemoved(const std::string& name, ChangeOrigin origin)
{
    std::lock_guard lock(m_mutex);
    removeBackend(m_inForce, name);
    if (origin == ChangeOrigin::User)
        removeBackend(m_user, name); // a server only the timeline added is not in it: nothing to do
}

void LabSetup::weightChanged(const std::string& name, int weight, ChangeOrigin origin)
{
    std::lock_guard lock(m_mutex);
    setWeight(m_inForce, name, weight);
    if (origin == ChangeOrigin::User)
        setWeight(m_user, name, weight);
}

void LabSetup::rateChanged(double perSecond, ChangeOrigin origin)
{
    std::lock_guard lock(m_mutex);
    m_inForce.requestRate = perSecond;
    if (origin == ChangeOrigin::User)
        m_user.requestRate = perSecond;
}

LabConfig LabSetup::inForce(double runSeconds) const
{
    std::lock_guard lock(m_mutex);
    LabConfig c = m_inForce;
    c.durationSeconds = runSeconds;
    c.timeline.erase(c.timeline.begin(), c.timeline.begin() + static_cast<std::ptrdiff_t>(
                                                                std::min(m_stepsRun, c.timeline.size())));
    return c;
}

void LabSetup::timelineStepRan()
{
    std::lock_guard lock(m_mutex);
    ++m_stepsRun;
}

LabConfig LabSetup::userSetup() const
{
    std::lock_guard lock(m_mutex);
    return m_user;
}

} // namespace lblab
