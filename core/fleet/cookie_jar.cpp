#include "core/fleet/cookie_jar.h"

#include "core/base/cookie_header.h"

#include <algorithm>

namespace lblab {

void CookieJar::store(std::string_view setCookie)
{
    const auto cookie = parseSetCookie(setCookie);
    if (!cookie || cookie->name.size() > kMaxNameLength || cookie->value.size() > kMaxValueLength)
        return;
    const std::string_view name = cookie->name;
    const std::string_view value = cookie->value;
    // A server deletes a cookie by expiring it (Max-Age=0 is the form the lab's servers use) or emptying it.
    const bool expired = cookie->deletes;

    auto it = std::find_if(m_cookies.begin(), m_cookies.end(), [&](const auto& c) { return c.first == name; });
    if (expired) {
        if (it != m_cookies.end())
            m_cookies.erase(it);
        return;
    }
    if (it != m_cookies.end()) {
        it->second.assign(value);
    } else if (m_cookies.size() < kMaxCookies) {
        m_cookies.emplace_back(std::string(name), std::string(value));
    }
}

std::string CookieJar::header() const
{
    std::string out;
    for (const auto& [name, value] : m_cookies) {
        if (!out.empty())
            out += "; ";
        out += name;
        out += '=';
        out += value;
    }
    return out;
}

std::optional<std::string> CookieJar::get(std::string_view name) const
{
    for (const auto& [n, v] : m_cookies)
        if (n == name)
            return v;
    return std::nullopt;
}

void CookieJar::erase(std::string_view name)
{
    std::erase_if(m_cookies, [&](const auto& c) { return c.first == name; });
}

} // namespace lblab
