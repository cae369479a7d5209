#pragma once

#include "app/command_line.h"

#include <filesystem>
#include <iosfwd>
#include <string>

namespace lblab {

/// Runs a lab without a window for the configured duration (or until SIGINT/SIGTERM), then prints
/// the summary and writes the export. Returns the process exit status.
class HeadlessRun {
public:
    /// Prepares a run of `commandLine` printing to `out` and `err`.
    HeadlessRun(const CommandLine& commandLine, std::ostream& out, std::ostream& err);
    /// Runs it (or, with --compare, a CompareRun); 0 on success, 1 when the lab or the export
    /// failed, 2 on bad input.
    int exec();
    /// --save-scenario: writes the configuration as a scenario file; 0 on success, 1 on failure.
    static int saveScenario(const CommandLine& commandLine, std::ostream& out, std::ostream& err);
    /// Why `dir` cannot take an export (created if needed), or empty when it can.
    static std::string exportDirProblem(const std::filesystem::path& dir);

private:
    const CommandLine& m_commandLine;
    std::ostream& m_out;
    std::ostream& m_err;
};

} // namespace lblab
