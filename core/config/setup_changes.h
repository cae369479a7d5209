#pragma once

#include "core/config/lab_config.h"

#include <string>
#include <vector>

namespace lblab {

/// What `setup` changes from `preset`, in the words the window shows: "policy", "rate", "clients",
/// "seed", "servers" (added, removed or reweighted), in that order; empty when it is the preset as is.
std::vector<std::string> setupChanges(const LabConfig& preset, const LabConfig& setup);

} // namespace lblab
