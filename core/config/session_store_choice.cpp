#include "core/config/session_store_choice.h"

#include <algorithm>

namespace lblab {

void chooseSessionStore(LabConfig& config, SessionStoreKind store)
{
    config.sessionStore = store;
    if (store == SessionStoreKind::Shared)
        return;
    std::erase_if(config.timeline, [](const TimelineStep& s) {
        return s.action == TimelineStep::Action::KillStore || s.action == TimelineStep::Action::RestoreStore;
    });
}

} // namespace lblab
