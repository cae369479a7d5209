#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lblab {

/// Kinds of things that happen to the lab as a whole (not per request).
enum class LabEventKind : std::uint8_t {
    RunStarted, RunPaused, RunResumed, RunStopped,
    PolicySwitched, ///< detail says what happened to existing pins
    BackendDown, BackendUp, BackendDraining, BackendAdded, BackendRemoved, WeightChanged,
    IpChanged,      ///< subject is the client, detail "old -> new"
    Repinned,       ///< a pinned client moved because its backend was unusable
    RateChanged,
    Note,           ///< a timeline note or a message for the user
    Error,          ///< something failed that the user should know about
    StoreDown,      ///< the shared session store died (killed) or stopped answering
    StoreUp,        ///< the shared session store is back (empty)
    AffinityBroken, ///< subject is the client: after its address changed it landed on another server
};

/// Stable name, e.g. "policy-switched", "ip-changed".
std::string_view toString(LabEventKind kind);

/// One entry of the lab's event log.
struct LabEvent {
    std::int64_t tUs = 0;      ///< microseconds since run start
    LabEventKind kind = LabEventKind::Note;
    std::string subject;       ///< the server, client or policy concerned
    std::string detail;        ///< human-readable detail
};

} // namespace lblab
