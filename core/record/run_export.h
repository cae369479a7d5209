#pragma once

#include "core/config/lab_config.h"

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <functional>
#include <iosfwd>

namespace lblab {

/// The pieces of an export folder (events.csv, servers.csv, run.json) that do not need a lab:
/// writing a file so that no half-written one is ever left, and run.json's "config" object.
class RunExport {
public:
    /// Writes `path` through a temporary name, then renames it. Throws std::runtime_error naming
    /// `path` on failure, and removes the temporary file.
    static void writeAtomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write);
    /// run.json's "config": what RunReplay reads back (preset, policy, rate, duration, servers, clients).
    static nlohmann::json configJson(const LabConfig& config);
};

} // namespace lblab
