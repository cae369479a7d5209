#pragma once

#include "core/policies/learned_session_policy.h"

#include <string>

namespace lblab {

/// Like session-affinity, but the session id travels in the URL (/account?sid=abc), as for
/// clients that refuse cookies; it is still learned from the login response's session cookie.
class UrlParamAffinityPolicy final : public LearnedSessionPolicy {
public:
    /// Reads query parameter `urlParam`, learns from Set-Cookie `sessionCookieName`.
    UrlParamAffinityPolicy(std::string urlParam, std::string sessionCookieName, double ttlSeconds,
                           std::size_t capacity)
        : LearnedSessionPolicy(std::move(sessionCookieName), ReasonKey::UrlParam, ttlSeconds, capacity),
          m_urlParam(std::move(urlParam))
    {
    }
    /// The id "url-param-affinity".
    std::string_view id() const override { return "url-param-affinity"; }

protected:
    /// The query parameter's value.
    std::optional<std::string_view> requestKey(const RequestView& request) const override;

private:
    std::string m_urlParam;
    /// The parameter's value when it needs percent-decoding (a policy is called by one thread at a time).
    mutable std::string m_decodedParam;
};

} // namespace lblab
