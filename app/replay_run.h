#pragma once

#include "app/command_line.h"

#include <iosfwd>

namespace lblab {

/// --replay DIR: loads the run exported to DIR without a window and prints its summary as the run
/// printed it (the table, or JSON with --json). A folder that is not a readable run gives one line
/// on `err` naming the folder and the problem. Returns the exit status: 0, or 2 for a bad folder.
int replayRun(const CommandLine& commandLine, std::ostream& out, std::ostream& err);

} // namespace lblab
