#pragma once

#include "core/config/lab_config.h"

#include <nlohmann/json.hpp>

#include <string>

namespace lblab {

/// Reads a configuration from its JSON form (docs/scenario-format.md), the one reader for scenario
/// files and run.json's "config": every field checked against the format's bounds, unknown keys and
/// wrong types refused. Throws ScenarioError naming `file`, the field path and the reason.
class ConfigReader {
public:
    /// The configuration `doc` describes; `defaultName` names it when `doc` has no "name".
    static LabConfig read(const nlohmann::json& doc, const std::string& file, const std::string& defaultName);
};

} // namespace lblab
