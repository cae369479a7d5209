#pragma once

#include "app/command_line.h"

#include <iosfwd>

namespace lblab {

/// --print-config: prints the configuration file the chosen engine would run for the chosen
/// preset or scenario and policy (servers at placeholder ports 8001, 8002, ...; the balancer on
/// the --listen address, else 127.0.0.1:8080), or for the builtin engine a short note that it has
/// none. Returns 0, or 2 when the engine has no such policy.
int printConfig(const CommandLine& commandLine, std::ostream& out, std::ostream& err);

} // namespace lblab
