#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lblab {

// How the lab reads a query string, once, for the backend, the policies and the fleet alike:
// parameters are separated by '&'; a fragment ("#...") is ignored; a parameter without '=' has an
// empty value; with a repeated name the first occurrence wins; names and values are percent-decoded
// by percentDecode (core/base/text.h), so "?loc=us%2Deast" and "?loc=us-east" name one region.

/// The decoded value of query parameter `name` in a request target ("/a?x=1&sid=abc" -> "abc"), or
/// nullopt when absent (or `name` is empty). The view points into `target` when the value needs no
/// decoding (the usual case, no allocation), else into `scratch`, which then holds the decoded text:
/// it is valid while both live and `scratch` is not reused.
std::optional<std::string_view> findQueryParam(std::string_view target, std::string_view name, std::string& scratch);

/// The same value as an owned string.
std::optional<std::string> queryParam(std::string_view target, std::string_view name);

} // namespace lblab
