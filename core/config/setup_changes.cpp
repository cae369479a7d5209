#include "core/config/setup_changes.h"

#include "core/config/user_count.h"

#include <cmath>

namespace lblab {

namespace {

bool sameBackends(const std::vector<BackendSpec>& a, const std::vector<BackendSpec>& b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].name != b[i].name || a[i].weight != b[i].weight)
            return false;
    return true;
}

} // namespace

std::vector<std::string> setupChanges(const LabConfig& preset, const LabConfig& setup)
{
    std::vector<std::string> changes;
    if (setup.policy != preset.policy)
        changes.emplace_back("policy");
    if (std::abs(setup.requestRate - preset.requestRate) >= 0.5)
        changes.emplace_back("rate");
    if (totalUsers(setup) != totalUsers(preset))
        changes.emplace_back("clients");
    if (setup.seed != preset.seed)
        changes.emplace_back("seed");
    if (!sameBackends(preset.servers, setup.servers))
        changes.emplace_back("servers");
    return changes;
}

} // namespace lblab
