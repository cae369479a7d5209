#pragma once

#include "core/config/lab_config.h"

#include <string_view>
#include <vector>

namespace lblab {

/// The built-in presets: each a complete LabConfig that tells one story.
class PresetCatalog {
public:
    /// All presets, in teaching order.
    static const std::vector<LabConfig>& all();
    /// The preset named `name`, or nullptr.
    static const LabConfig* find(std::string_view name);
    /// The one the window opens with.
    static const LabConfig& defaultPreset();
};

} // namespace lblab
