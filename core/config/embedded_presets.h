#pragma once

#include <span>
#include <string_view>

namespace lblab {

/// One built-in preset file, compiled into the binary from resources/presets/NAME.json.
struct EmbeddedPreset {
    std::string_view name; ///< the file's stem, e.g. "server-failure"
    std::string_view text; ///< the file's JSON text
};

/// Every file of resources/presets/, in file-name order (generated at build time).
std::span<const EmbeddedPreset> embeddedPresets();

} // namespace lblab
