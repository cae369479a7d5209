#pragma once

#include "app/command_line.h"

#include <iosfwd>

namespace lblab {

class Lab;

/// The end of a run, headless or in the window (--quit-after): the summary (a table, or JSON with
/// --json) and, with --export, the files. Returns the exit status: 0, or 1 when the export failed.
int reportRun(const Lab& lab, const CommandLine& commandLine, bool interrupted, std::ostream& out, std::ostream& err);

} // namespace lblab
