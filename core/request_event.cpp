#include "core/request_event.h"

namespace lblab {

std::string_view toString(SessionOutcome outcome)
{
    switch (outcome) {
    case SessionOutcome::None: return "none";
    case SessionOutcome::Created: return "created";
    case SessionOutcome::Hit: return "hit";
    case SessionOutcome::Miss: return "miss";
    }
    return "none";
}

SessionOutcome parseSessionOutcome(std::string_view text)
{
    if (text == "hit")
        return SessionOutcome::Hit;
    if (text == "miss")
        return SessionOutcome::Miss;
    if (text == "created")
        return SessionOutcome::Created;
    return SessionOutcome::None;
}

} // namespace lblab
