#pragma once

#include "core/config/lab_config.h"

namespace lblab {

/// The most generated users a run may have (the command line and the window's Clients field); the
/// open-files limit may allow fewer (see descriptor_budget.h).
constexpr int kMaxUsers = 60000;

/// Generated users in a configuration (every client group's count).
int totalUsers(const LabConfig& config);

/// Scales the client groups to `total` users (0 allowed), keeping their proportions; the last group
/// takes the rounding, and a NAT group never shares one address among more users than it has. The
/// one rule behind --clients and the window's Clients field.
void scaleUsers(LabConfig& config, int total);

} // namespace lblab
