#pragma once

#include <optional>
#include <string_view>

namespace lblab {

/// The raw value of query parameter `name` in a request target ("/a?x=1&sid=abc" -> "abc").
/// First occurrence wins; a parameter without '=' has an empty value; nullopt when absent.
/// No percent-decoding: the ids the lab uses are plain tokens.
std::optional<std::string_view> findQueryParam(std::string_view target, std::string_view name);

} // namespace lblab
