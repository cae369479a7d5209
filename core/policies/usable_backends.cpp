#include "core/policies/usable_backends.h"

namespace lblab {

std::size_t countAcceptingNew(std::span<const BackendInfo> backends)
{
    std::size_t n = 0;
    for (const auto& b : backends)
        n += b.acceptsNew() ? 1 : 0;
    return n;
}

int nthAcceptingNew(std::span<const BackendInfo> backends, std::size_t k)
{
    for (std::size_t i = 0; i < backends.size(); ++i) {
        if (!backends[i].acceptsNew())
            continue;
        if (k == 0)
            return static_cast<int>(i);
        --k;
    }
    return -1;
}

bool servesPinnedAt(std::span<const BackendInfo> backends, int index)
{
    return index >= 0 && static_cast<std::size_t>(index) < backends.size() &&
           backends[static_cast<std::size_t>(index)].servesPinned();
}

int findBackendByName(std::span<const BackendInfo> backends, std::string_view name)
{
    for (std::size_t i = 0; i < backends.size(); ++i)
        if (backends[i].name == name)
            return static_cast<int>(i);
    return -1;
}

} // namespace lblab
