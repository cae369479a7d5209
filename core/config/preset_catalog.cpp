#include "core/config/preset_catalog.h"

#include "core/config/embedded_presets.h"
#include "core/config/scenario_file.h"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace lblab {

namespace {

// The order a class meets the ideas in: stateless decisions, the harm they do to sessions,
// pinning and how it breaks, then the effects seen in practice, and last the way out of
// stickiness: moving the session off the server. Files not named here follow.
constexpr std::array<std::string_view, 15> kTeachingOrder = {
    "round-robin-basics", "search-by-location",    "login-round-robin", "login-source-ip",
    "mobile-source-ip",   "mobile-cookie",         "url-param-session", "nat-skew",
    "server-failure",     "scale-out",             "slow-server",       "power-of-two",
    "shared-session-store", "session-store-failure", "signed-sessions",
};

std::size_t rank(std::string_view name)
{
    const auto it = std::find(kTeachingOrder.begin(), kTeachingOrder.end(), name);
    return static_cast<std::size_t>(it - kTeachingOrder.begin());
}

std::vector<LabConfig> loadPresets()
{
    std::vector<EmbeddedPreset> files(embeddedPresets().begin(), embeddedPresets().end());
    std::stable_sort(files.begin(), files.end(),
                     [](const EmbeddedPreset& a, const EmbeddedPreset& b) { return rank(a.name) < rank(b.name); });
    std::vector<LabConfig> presets;
    for (const auto& file : files) {
        const std::string name(file.name);
        // A broken built-in preset is a build defect; ScenarioFile's message says which and where.
        presets.push_back(ScenarioFile::parse(file.text, "presets/" + name + ".json", name));
    }
    if (presets.empty())
        throw std::logic_error("no built-in presets were compiled in (resources/presets/*.json)");
    return presets;
}

} // namespace

const std::vector<LabConfig>& PresetCatalog::all()
{
    static const std::vector<LabConfig> presets = loadPresets();
    return presets;
}

const LabConfig* PresetCatalog::find(std::string_view name)
{
    for (const auto& p : all())
        if (p.preset == name)
            return &p;
    return nullptr;
}

const LabConfig& PresetCatalog::defaultPreset() { return all().front(); }

} // namespace lblab
