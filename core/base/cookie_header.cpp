#include "core/base/cookie_header.h"

#include "core/base/text.h"

#include <charconv>

namespace lblab {
namespace {

std::string_view unquote(std::string_view v)
{
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
        return v.substr(1, v.size() - 2);
    return v;
}

/// Splits "name=value" (both trimmed); a part without '=' has an empty name.
std::pair<std::string_view, std::string_view> splitPair(std::string_view part)
{
    const auto eq = part.find('=');
    if (eq == std::string_view::npos)
        return {{}, trimOws(part)};
    return {trimOws(part.substr(0, eq)), unquote(trimOws(part.substr(eq + 1)))};
}

} // namespace

std::optional<std::string_view> findCookie(std::string_view cookieHeader, std::string_view name)
{
    if (name.empty())
        return std::nullopt;
    while (!cookieHeader.empty()) {
        const auto semi = cookieHeader.find(';');
        const std::string_view part = cookieHeader.substr(0, semi);
        if (part.find('=') != std::string_view::npos) {
            auto [key, value] = splitPair(part);
            if (key == name)
                return value;
        }
        if (semi == std::string_view::npos)
            break;
        cookieHeader.remove_prefix(semi + 1);
    }
    return std::nullopt;
}

std::optional<SetCookieValue> parseSetCookie(std::string_view setCookie)
{
    const auto semi = setCookie.find(';');
    const std::string_view first = setCookie.substr(0, semi);
    if (first.find('=') == std::string_view::npos)
        return std::nullopt;
    auto [name, value] = splitPair(first);
    if (name.empty())
        return std::nullopt;
    SetCookieValue result{name, value, value.empty()};
    std::string_view attributes = semi == std::string_view::npos ? std::string_view{} : setCookie.substr(semi + 1);
    while (!attributes.empty()) {
        const auto next = attributes.find(';');
        auto [key, attrValue] = splitPair(attributes.substr(0, next));
        if (iequals(key, "Max-Age")) {
            long long seconds = 1;
            auto [ptr, ec] = std::from_chars(attrValue.data(), attrValue.data() + attrValue.size(), seconds);
            if (ec == std::errc{} && ptr != attrValue.data() && seconds <= 0)
                result.deletes = true;
        }
        if (next == std::string_view::npos)
            break;
        attributes.remove_prefix(next + 1);
    }
    return result;
}

} // namespace lblab
