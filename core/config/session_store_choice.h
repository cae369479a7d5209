#pragma once

#include "core/config/lab_config.h"

namespace lblab {

/// Makes `config` keep its sessions in `store`. Killing and restoring the store only means something
/// for Redis: with another store a timeline's kill-store and restore-store steps are dropped. The one
/// rule behind --session-store, --compare's STORE: and the window's Sessions picker.
void chooseSessionStore(LabConfig& config, SessionStoreKind store);

} // namespace lblab
