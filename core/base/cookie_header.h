#pragma once

#include <optional>
#include <string_view>

namespace lblab {

/// The name, value and deletion flag of one Set-Cookie header value.
struct SetCookieValue {
    std::string_view name;   ///< e.g. "SESSIONID"
    std::string_view value;  ///< e.g. "abc123" (quotes removed)
    bool deletes = false;    ///< Max-Age <= 0 or an empty value: the server is dropping the cookie
};

/// The value of cookie `name` in a raw Cookie header, or nullopt when it is absent.
/// Tolerant by design: spaces and tabs around parts, empty parts, a double-quoted value, parts
/// without '=' (skipped) and garbage are all accepted; with duplicate names the first wins.
/// Names compare case-sensitively, as browsers send them.
std::optional<std::string_view> findCookie(std::string_view cookieHeader, std::string_view name);

/// The cookie a Set-Cookie value sets ("SESSIONID=abc; Path=/; HttpOnly"), or nullopt if it has no name.
std::optional<SetCookieValue> parseSetCookie(std::string_view setCookie);

} // namespace lblab
