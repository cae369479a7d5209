#include "core/lab/lab_event.h"

namespace lblab {

std::string_view toString(LabEventKind kind)
{
    switch (kind) {
    case LabEventKind::RunStarted: return "run-started";
    case LabEventKind::RunPaused: return "run-paused";
    case LabEventKind::RunResumed: return "run-resumed";
    case LabEventKind::RunStopped: return "run-stopped";
    case LabEventKind::PolicySwitched: return "policy-switched";
    case LabEventKind::BackendDown: return "server-down";
    case LabEventKind::BackendUp: return "server-up";
    case LabEventKind::BackendDraining: return "server-draining";
    case LabEventKind::BackendAdded: return "server-added";
    case LabEventKind::BackendRemoved: return "server-removed";
    case LabEventKind::WeightChanged: return "weight-changed";
    case LabEventKind::IpChanged: return "ip-changed";
    case LabEventKind::Repinned: return "re-pinned";
    case LabEventKind::RateChanged: return "rate-changed";
    case LabEventKind::Note: return "note";
    case LabEventKind::Error: return "error";
    case LabEventKind::StoreDown: return "store-down";
    case LabEventKind::StoreUp: return "store-up";
    case LabEventKind::AffinityBroken: return "affinity-broken";
    }
    return "note";
}

} // namespace lblab
