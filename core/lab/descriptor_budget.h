#pragma once

#include "core/config/lab_config.h"

#include <cstddef>
#include <string>

namespace lblab {

/// Raises the soft open-files limit toward the hard one (desktops often start at 1024); returns
/// the soft limit in force afterwards.
std::size_t raiseDescriptorLimit();

/// Open files a run of `config` needs: a socket per user on each side of the balancer, pooled
/// upstream connections per server, and some spare.
std::size_t descriptorsNeeded(const LabConfig& config);

/// "" when `config` fits the open-files limit (raised first), else the one-line reason, e.g.
/// "a fleet of 10000 users needs about 20512 open files, but the limit is 20000 (...)".
std::string descriptorShortfall(const LabConfig& config);

} // namespace lblab
