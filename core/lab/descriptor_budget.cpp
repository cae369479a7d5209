#include "core/lab/descriptor_budget.h"

#include "core/config/user_count.h"

#include <sys/resource.h>

namespace lblab {

std::size_t raiseDescriptorLimit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 1024;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit wanted = limit;
        wanted.rlim_cur = limit.rlim_max == RLIM_INFINITY ? 1 << 20 : limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &wanted) == 0)
            return static_cast<std::size_t>(wanted.rlim_cur);
    }
    return static_cast<std::size_t>(limit.rlim_cur);
}

std::size_t descriptorsNeeded(const LabConfig& config)
{
    const auto users = static_cast<std::size_t>(totalUsers(config));
    return 2 * users + 2 * 64 * config.servers.size() + 128;
}

std::string descriptorShortfall(const LabConfig& config)
{
    const std::size_t needed = descriptorsNeeded(config);
    const std::size_t limit = raiseDescriptorLimit();
    if (needed <= limit)
        return {};
    return "a fleet of " + std::to_string(totalUsers(config)) + " users needs about " + std::to_string(needed) +
           " open files, but the limit is " + std::to_string(limit) +
           " (raise it with ulimit -n, or use fewer clients)";
}

} // namespace lblab
