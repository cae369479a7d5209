#pragma once

#include "core/config/lab_config.h"
#include "core/config/scenario_error.h"

#include <filesystem>
#include <string>
#include <string_view>

namespace lblab {

/// The JSON scenario format (docs/scenario-format.md): reads a whole LabConfig or nothing, and
/// writes one back so that it reopens identically. Every failure is a ScenarioError naming the
/// file, the field path and the reason; syntax errors name the line and column.
class ScenarioFile {
public:
    /// Largest file accepted; a scenario is a few kilobytes.
    static constexpr std::size_t maxFileBytes = 4 * 1024 * 1024;

    /// Reads and validates `path`. The scenario's name defaults to the file's stem.
    static LabConfig load(const std::filesystem::path& path);
    /// Validates `text`; `fileName` is used in messages, `defaultName` when the text has no "name".
    static LabConfig parse(std::string_view text, const std::string& fileName, const std::string& defaultName = {});
    /// The scenario file for `config`: every field written, pretty-printed, ends with a newline.
    static std::string toJson(const LabConfig& config);
    /// Writes toJson(config) to `path` (through a temporary file, then renamed).
    static void save(const LabConfig& config, const std::filesystem::path& path);
};

} // namespace lblab
