#pragma once

#include "core/policies/decision.h"
#include "core/base/ipv4.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace lblab {

/// What a request meant for server-side session state (the backend's X-Session answer).
enum class SessionOutcome : std::uint8_t {
    None,    ///< the request needs no session (search, health)
    Created, ///< a login created a session on the backend
    Hit,     ///< needed a session and the backend held it
    Miss,    ///< needed a session and the backend did not hold it (401)
    Invalid, ///< carried a signed session cookie the backend refused: tampered, expired, malformed (401)
    Unavailable, ///< needed the shared session store and it did not answer (503): counts as a miss
};

/// True when the request needed a session (hit, miss, invalid or unavailable).
bool needsSession(SessionOutcome outcome);
/// True when the user did not get its session: a miss, or the store did not answer.
bool lostSession(SessionOutcome outcome);

/// Stable name: "none", "created", "hit", "miss", "invalid", "unavailable".
std::string_view toString(SessionOutcome outcome);
/// Parses the X-Session header value; unknown text is None.
SessionOutcome parseSessionOutcome(std::string_view text);

/// One proxied request: one row of events.csv.
struct RequestEvent {
    std::int64_t tUs = 0;          ///< arrival at the balancer, microseconds since run start
    std::string clientId;          ///< "c17" for generated users, "ext-127.0.0.1" for outside clients
    Ipv4 clientIp = 0;             ///< the source address the balancer saw
    std::string sessionKey;        ///< the key the policy decided on ("" if none)
    std::string method;            ///< "GET", "POST", ...
    std::string path;              ///< request target, path and query
    std::string policy;            ///< policy id in force
    DecisionKind decision = DecisionKind::NoBackend; ///< why the backend was chosen
    int backend = -1;              ///< backend index, -1 when none
    std::string backendName;       ///< "s2", "" when none
    unsigned status = 0;           ///< HTTP status sent to the client
    std::uint32_t latencyUs = 0;   ///< arrival to response written, microseconds
    SessionOutcome session = SessionOutcome::None; ///< what it meant for session state
    DecisionReason reason;         ///< the decision's inputs (the builtin balancer's; see whyText)
    std::string why;               ///< the reason as text when no DecisionReason says it: an engine's log
                                   ///< line, a replayed events.csv row ("" on the builtin balancer's path)
};

} // namespace lblab
