#pragma once

#include "core/policies/learned_session_policy.h"

namespace lblab {

/// Learns the application's session cookie (SESSIONID) from the login response and keeps every
/// request carrying it on the server that holds the session.
class SessionAffinityPolicy final : public LearnedSessionPolicy {
public:
    /// Learns and reads cookie `sessionCookieName`.
    SessionAffinityPolicy(std::string sessionCookieName, double ttlSeconds, std::size_t capacity)
        : LearnedSessionPolicy(std::move(sessionCookieName), ReasonKey::SessionCookie, ttlSeconds, capacity)
    {
    }
    /// The id "session-affinity".
    std::string_view id() const override { return "session-affinity"; }

protected:
    /// The session cookie in the request's Cookie header.
    std::optional<std::string_view> requestKey(const RequestView& request) const override;
};

} // namespace lblab
