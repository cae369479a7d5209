#pragma once

#include "core/lab_config.h"

namespace lblab {

/// Opens the window running `config`; when `presetChosen` is false the last preset the user
/// had open is started instead (if it still exists). Returns the application's exit status.
int runGui(int argc, char** argv, const LabConfig& config, bool presetChosen);

} // namespace lblab
