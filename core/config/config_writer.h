#pragma once

#include "core/config/lab_config.h"

#include <nlohmann/json.hpp>

namespace lblab {

/// Writes a configuration in its JSON form (docs/scenario-format.md), the one writer for scenario
/// files and run.json's "config": every field, in the format's order, so ConfigReader reads back
/// the same configuration.
class ConfigWriter {
public:
    /// The JSON object for `config`.
    static nlohmann::ordered_json toJson(const LabConfig& config);
};

} // namespace lblab
