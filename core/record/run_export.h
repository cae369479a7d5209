#pragma once

#include <filesystem>
#include <functional>
#include <iosfwd>

namespace lblab {

/// How every file of an export folder (events.csv, servers.csv, run.json) is written: so that no
/// half-written one is ever left.
class RunExport {
public:
    /// Writes `path` through a temporary name, then renames it. Throws std::runtime_error naming
    /// `path` on failure, and removes the temporary file.
    static void writeAtomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write);
};

} // namespace lblab
