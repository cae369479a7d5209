#pragma once

#include "core/lab_config.h"

namespace lblab {

/// Opens the window running `config`; returns the application's exit status.
int runGui(int argc, char** argv, const LabConfig& config);

} // namespace lblab
