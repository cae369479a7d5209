#include "core/fleet/cookie_jar.h"

#include "core/http/message_head.h"

#include <algorithm>
#include <cctype>

namespace lblab {

void CookieJar::store(std::string_view setCookie)
{
    const std::size_t semi = setCookie.find(';');
    const std::string_view pair = setCookie.substr(0, semi);
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos)
        return;
    const std::string_view name = trimOws(pair.substr(0, eq));
    std::string_view value = trimOws(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
    if (name.empty() || name.size() > kMaxNameLength || value.size() > kMaxValueLength)
        return;

    // A server deletes a cookie by expiring it; Max-Age=0 is the form the lab's servers use.
    bool expired = false;
    std::string_view attrs = semi == std::string_view::npos ? std::string_view{} : setCookie.substr(semi + 1);
    while (!attrs.empty()) {
        const std::size_t next = attrs.find(';');
        const std::string_view attr = trimOws(attrs.substr(0, next));
        const std::size_t aeq = attr.find('=');
        if (aeq != std::string_view::npos && iequals(trimOws(attr.substr(0, aeq)), "max-age")) {
            const std::string_view v = trimOws(attr.substr(aeq + 1));
            expired = !v.empty() && (v == "0" || v.front() == '-');
        }
        if (next == std::string_view::npos)
            break;
        attrs.remove_prefix(next + 1);
    }

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
