#include "core/policies/stateful_policy.h"

namespace lblab {

PinHandover StatefulPolicy::adoptPins(std::string_view fromPolicy, const std::vector<PinEntry>& rows)
{
    PinHandover result = PinHandover::Dropped;
    if (fromPolicy == id())
        result = PinHandover::Kept;
    else if (convertsFrom(fromPolicy))
        result = PinHandover::Converted;
    else
        return result;
    for (const auto& row : rows)
        m_table.adopt(row);
    return result;
}

} // namespace lblab
