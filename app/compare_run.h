#pragma once

#include "app/command_line.h"
#include "core/lab/run_summary.h"

#include <iosfwd>
#include <string>

namespace lblab {

/// --compare A,B: two labs in one process, on separate ports, with the same seeded workload,
/// one per side (an engine and a policy); prints their outcomes side by side (or {"compare": [A, B]} with --json).
class CompareRun {
public:
    /// Prepares a comparison of `commandLine.compareItems` printing to `out` and `err`.
    CompareRun(const CommandLine& commandLine, std::ostream& out, std::ostream& err);
    /// Runs both labs for the duration (or until SIGINT/SIGTERM); 0 on success, 1 when a lab or
    /// an export failed, 2 on bad input.
    int exec();
    /// The side-by-side table of two summaries, with a B − A column.
    static std::string table(const RunSummary& a, const RunSummary& b);

private:
    const CommandLine& m_commandLine;
    std::ostream& m_out;
    std::ostream& m_err;
};

} // namespace lblab
