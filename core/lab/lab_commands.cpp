#include "core/lab/lab_impl.h"

// The lab's commands (from the user through Lab's public calls, or from the timeline), run on the
// control thread: each tells the capture what changed and keeps the setup in step.

#include <algorithm>
#include <string>

namespace lblab {

namespace asio = boost::asio;

void Lab::Impl::scheduleTimeline()
{
    for (const auto& step : config.timeline) {
        auto timer = std::make_unique<asio::steady_timer>(control.io);
        timer->expires_at(startedAt + std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(step.atSeconds)));
        timer->async_wait([this, step](const boost::system::error_code& ec) {
            if (!ec && state != RunState::Stopped)
                runStep(step);
        });
        timelineTimers.push_back(std::move(timer));
    }
}

void Lab::Impl::runStep(const TimelineStep& step)
{
    using A = TimelineStep::Action;
    switch (step.action) {
    case A::SwitchPolicy: doSetPolicy(step.target, ChangeOrigin::Timeline); break;
    case A::KillBackend: doKill(step.target); break;
    case A::RestoreBackend: doRestore(step.target); break;
    case A::AddBackend: {
        BackendSpec spec = config.servers.empty() ? BackendSpec{} : config.servers.front();
        spec.externalAddress.clear();
        spec.name = step.target;
        doAdd(spec, ChangeOrigin::Timeline);
        break;
    }
    case A::RemoveBackend: doRemove(step.target, ChangeOrigin::Timeline); break;
    case A::DrainBackend: doDrain(step.target, true); break;
    case A::SetWeight: doWeight(step.target, static_cast<int>(step.value), ChangeOrigin::Timeline); break;
    case A::SetRate: doRate(step.value, ChangeOrigin::Timeline); break;
    case A::ChangeIps: doChangeIps(step.value > 0 ? step.value : 1.0); break;
    case A::Note: log(LabEventKind::Note, "timeline", step.text); break;
    case A::KillStore: doKillStore(); break;
    case A::RestoreStore: doRestoreStore(); break;
    }
    setup.timelineStepRan(); // after its effect, so the configuration in force never counts it twice
}

void Lab::Impl::doSetPolicy(const std::string& id, ChangeOrigin origin)
{
    if (!balancer->setPolicy(id)) {
        // An outside engine without this policy has said why in the event log already.
        if (!PolicyCatalog::find(id))
            log(LabEventKind::Error, id, "unknown policy");
        return;
    }
    setup.policyChanged(id, origin);
    changed("policy " + id);
}

void Lab::Impl::doKill(const std::string& name)
{
    const int i = indexOf(name);
    if (i < 0)
        return log(LabEventKind::Error, name, "no such server");
    if (!backends[i])
        return log(LabEventKind::Error, name, "an outside server cannot be killed from the lab");
    if (killed[i])
        return;
    backends[i]->kill();
    killed[i] = true;
    // Clients placed before the kill count as remapped if their next request lands elsewhere, even
    // when the balancer (an outside engine's health checks) notices the death only later.
    capture.markTopologyChange();
    log(LabEventKind::BackendDown, name, "killed: its connections and its sessions are gone");
    changed(name + " killed");
}

void Lab::Impl::doRestore(const std::string& name)
{
    const int i = indexOf(name);
    if (i < 0)
        return log(LabEventKind::Error, name, "no such server");
    if (!backends[i])
        return log(LabEventKind::Error, name, "an outside server cannot be restarted from the lab");
    if (!killed[i])
        return;
    try {
        backends[i]->restore();
        killed[i] = false;
        log(LabEventKind::Note, name,
            "restarted with no sessions; the balancer marks it up after its health checks pass");
        changed(name + " restored");
    } catch (const std::exception& e) {
        log(LabEventKind::Error, name, std::string("cannot restart: ") + e.what());
    }
}

void Lab::Impl::doDrain(const std::string& name, bool draining)
{
    const int i = indexOf(name);
    if (i < 0)
        return log(LabEventKind::Error, name, "no such server");
    balancer->setDraining(i, draining);
    log(draining ? LabEventKind::BackendDraining : LabEventKind::BackendUp, name,
        draining ? "draining: keeps pinned clients, takes no new ones" : "no longer draining");
    changed(name + (draining ? " drained" : " undrained"));
}

void Lab::Impl::doWeight(const std::string& name, int weight, ChangeOrigin origin)
{
    const int i = indexOf(name);
    if (i < 0)
        return log(LabEventKind::Error, name, "no such server");
    balancer->setWeight(i, weight);
    setup.weightChanged(name, weight, origin);
    log(LabEventKind::WeightChanged, name, "weight " + std::to_string(std::max(0, weight)));
    changed(name + " weight " + std::to_string(std::max(0, weight)));
}

void Lab::Impl::doAdd(const BackendSpec& spec, ChangeOrigin origin)
{
    if (indexOf(spec.name) >= 0)
        return log(LabEventKind::Error, spec.name, "a server with this name already exists");
    try {
        startBackend(spec);
    } catch (const std::exception& e) {
        return log(LabEventKind::Error, spec.name, e.what());
    }
    setup.backendAdded(spec, origin);
    log(LabEventKind::BackendAdded, spec.name, origin == ChangeOrigin::User ? "added to the set" : "added by the timeline");
    changed(spec.name + " added");
}

void Lab::Impl::doRemove(const std::string& name, ChangeOrigin origin)
{
    const int i = indexOf(name);
    if (i < 0)
        return log(LabEventKind::Error, name, "no such server");
    balancer->removeBackend(i);
    if (backends[i])
        backends[i]->kill(); // an outside server keeps running; the lab only stops sending to it
    killed[i] = true;
    setup.backendRemoved(name, origin);
    log(LabEventKind::BackendRemoved, name, "removed from the set");
    changed(name + " removed");
}

void Lab::Impl::doRate(double rate, ChangeOrigin origin)
{
    rate = std::clamp(rate, 0.0, 1e6);
    requestRate = rate;
    setup.rateChanged(rate, origin);
    if (fleet)
        fleet->setRequestRate(rate);
    log(LabEventKind::RateChanged, "clients", std::to_string(static_cast<long long>(rate)) + " req/s");
}

void Lab::Impl::doChangeIps(double fraction)
{
    fraction = std::clamp(fraction, 0.0, 1.0);
    if (!fleet)
        return log(LabEventKind::Note, "clients", "no generated users to move");
    fleet->changeIps(fraction);
    const std::string percent = std::to_string(static_cast<int>(std::lround(fraction * 100))) + "%";
    log(LabEventKind::Note, "clients", "moving " + percent + " of users to new addresses");
    changed(percent + " of users changed address");
}

void Lab::Impl::doKillStore()
{
    if (!store || !store->killable())
        return log(LabEventKind::Error, "session store",
                   "nothing to kill: sessions are stored " +
                       std::string(SessionStoreCatalog::displayName(config.sessionStore)) +
                       " (only the shared store, Redis, is a process)");
    if (store->killed())
        return log(LabEventKind::Note, "session store", "Redis is already down");
    store->kill();
    log(LabEventKind::StoreDown, "session store",
        "Redis killed: every session in it is gone, so every server's logged-in users fail at once (503) and "
        "must log in again when it is back; compare: killing one server under stickiness hurts only its users");
    changed("session store killed");
}

void Lab::Impl::doRestoreStore()
{
    if (!store || !store->killable())
        return log(LabEventKind::Error, "session store", "nothing to restore: the sessions are not in Redis");
    if (!store->killed())
        return;
    try {
        store->restore();
    } catch (const std::exception& e) {
        return log(LabEventKind::Error, "session store", std::string("Redis did not restart: ") + e.what());
    }
    log(LabEventKind::StoreUp, "session store",
        "Redis restored, empty: every server answers again, and each user logs in once more");
    changed("session store restored");
}

} // namespace lblab
