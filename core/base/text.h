#pragma once

#include <string>
#include <string_view>

namespace lblab {

/// `s` without the optional whitespace (spaces and tabs) HTTP allows around field values and list items.
std::string_view trimOws(std::string_view s);

/// ASCII case-insensitive equality (header names, tokens, cookie attributes): no locale involved.
bool iequals(std::string_view a, std::string_view b);

/// True when `s` holds something percentDecode would change ('%' or '+').
bool needsPercentDecoding(std::string_view s);

/// The lab's one percent-decoding rule (RFC 3986 escapes, plus '+' for a space as HTML forms send
/// it): "%2D" -> "-", "+" -> " ", and a malformed escape ("%zz", a '%' at the end) is kept as
/// written rather than dropped. The backend, the policies and the fleet all read query strings
/// through it (see query_string.h), so a value means the same to each of them.
std::string percentDecode(std::string_view s);

/// The inverse for a query value: unreserved characters (RFC 3986: letters, digits, "-._~") as they
/// are, every other byte as %XX (upper-case hex). percentDecode(percentEncode(s)) == s for any s.
std::string percentEncode(std::string_view s);

} // namespace lblab
