#include "core/lab/snapshot.h"

namespace lblab {

std::string_view toString(BackendState state)
{
    switch (state) {
    case BackendState::Up: return "up";
    case BackendState::Down: return "down";
    case BackendState::Draining: return "draining";
    case BackendState::Removed: return "removed";
    }
    return "up";
}

} // namespace lblab
