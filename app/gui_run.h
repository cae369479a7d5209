#pragma once

#include "app/command_line.h"

namespace lblab {

/// Opens the window running the command line's configuration; without --preset or --scenario the
/// last preset the user had open is started instead (if it still exists). With --quit-after the run
/// ends itself, and --screenshot, --json and --export act as it quits. Returns the exit status.
int runGui(int argc, char** argv, const CommandLine& commandLine);

} // namespace lblab
