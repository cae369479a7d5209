#include "core/request_event.h"

namespace lblab {

bool needsSession(SessionOutcome outcome)
{
    return outcome == SessionOutcome::Hit || outcome == SessionOutcome::Miss || outcome == SessionOutcome::Invalid
        || outcome == SessionOutcome::Unavailable;
}

bool lostSession(SessionOutcome outcome)
{
    return outcome == SessionOutcome::Miss || outcome == SessionOutcome::Unavailable;
}

std::string_view toString(SessionOutcome outcome)
{
    switch (outcome) {
    case SessionOutcome::None: return "none";
    case SessionOutcome::Created: return "created";
    case SessionOutcome::Hit: return "hit";
    case SessionOutcome::Miss: return "miss";
    case SessionOutcome::Invalid: return "invalid";
    case SessionOutcome::Unavailable: return "unavailable";
    }
    return "none";
}

SessionOutcome parseSessionOutcome(std::string_view text)
{
    for (SessionOutcome o : {SessionOutcome::Created, SessionOutcome::Hit, SessionOutcome::Miss, SessionOutcome::Invalid,
                             SessionOutcome::Unavailable})
        if (text == toString(o))
            return o;
    return SessionOutcome::None;
}

} // namespace lblab
