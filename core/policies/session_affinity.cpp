#include "core/policies/session_affinity.h"

#include "core/base/cookie_header.h"

namespace lblab {

std::optional<std::string_view> SessionAffinityPolicy::requestKey(const RequestView& request) const
{
    return findCookie(request.cookieHeader, m_sessionCookieName);
}

} // namespace lblab
