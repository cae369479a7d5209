#include "core/lab/snapshot.h"

namespace lblab {

std::string_view toString(ServerState state)
{
    switch (state) {
    case ServerState::Up: return "up";
    case ServerState::Down: return "down";
    case ServerState::Draining: return "draining";
    case ServerState::Removed: return "removed";
    }
    return "up";
}

} // namespace lblab
