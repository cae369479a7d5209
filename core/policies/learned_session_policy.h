#pragma once

#include "core/policies/stateful_policy.h"

#include <optional>
#include <string>

namespace lblab {

/// Sticky policies that learn the application's own session id: the pin is made when a backend's
/// response sets the session cookie, and later requests carrying that id follow it.
/// Subclasses say only where a request carries the id (cookie or URL).
class LearnedSessionPolicy : public StatefulPolicy {
public:
    /// Learns ids from Set-Cookie `sessionCookieName`; a request carries its id as `reasonKey` says.
    LearnedSessionPolicy(std::string sessionCookieName, ReasonKey reasonKey, double ttlSeconds, std::size_t capacity);
    /// Pinned for a known id; RoundRobin for an unknown or missing one; Repinned if its server is gone.
    void decide(const RequestView& request, std::span<const BackendInfo> backends, Decision& d) override;
    /// Pins every session id the backend sets; forgets one the backend deletes.
    void observeResponse(const RequestView& request, const Decision& decision, const ResponseView& response) override;

protected:
    /// The session id the request carries, if any.
    virtual std::optional<std::string_view> requestKey(const RequestView& request) const = 0;
    /// session-affinity and url-param-affinity key by the same session ids.
    bool convertsFrom(std::string_view fromPolicy) const override;

    std::string m_sessionCookieName;
    ReasonKey m_reasonKey; ///< where requests carry the id (cookie or URL), for the decision's reason
};

} // namespace lblab
