#include "core/config/user_count.h"

#include <algorithm>
#include <cmath>

namespace lblab {

int totalUsers(const LabConfig& config)
{
    int total = 0;
    for (const ClientGroupSpec& g : config.clients)
        total += std::max(0, g.count);
    return total;
}

void scaleUsers(LabConfig& config, int total)
{
    const int current = totalUsers(config);
    total = std::max(0, total);
    if (config.clients.empty() || current <= 0 || total == current)
        return;
    int assigned = 0;
    for (std::size_t i = 0; i < config.clients.size(); ++i) {
        ClientGroupSpec& g = config.clients[i];
        const bool last = i + 1 == config.clients.size();
        const int n = last ? total - assigned
                           : static_cast<int>(std::lround(static_cast<double>(std::max(0, g.count)) * total / current));
        g.count = std::clamp(n, 0, total - assigned);
        if (g.natGroupSize > g.count && g.count > 0)
            g.natGroupSize = g.count;
        assigned += g.count;
    }
}

} // namespace lblab
