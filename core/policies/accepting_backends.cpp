#include "core/policies/accepting_backends.h"

#include <algorithm>

namespace lblab {

void AcceptingBackends::rebuild(std::span<const BackendInfo> backends)
{
    m_indices.clear();
    for (std::size_t i = 0; i < backends.size(); ++i)
        if (backends[i].acceptsNew())
            m_indices.push_back(static_cast<int>(i));
    m_data = backends.data();
    m_size = backends.size();
    m_built = true;
    ++m_generation;
}

std::size_t AcceptingBackends::firstAtOrAfter(std::span<const int> list, std::size_t from)
{
    const auto it = std::lower_bound(list.begin(), list.end(), from,
                                     [](int index, std::size_t value) { return static_cast<std::size_t>(index) < value; });
    return it == list.end() ? 0 : static_cast<std::size_t>(it - list.begin());
}

} // namespace lblab
