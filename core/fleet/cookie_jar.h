#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lblab {

/// The cookies of one virtual user: what Set-Cookie gave it, sent back in one Cookie header.
/// Bounded: at most kMaxCookies pairs, each name/value of limited length; extras are ignored.
class CookieJar {
public:
    static constexpr std::size_t kMaxCookies = 16;     ///< pairs kept
    static constexpr std::size_t kMaxNameLength = 64;  ///< longer names are ignored
    static constexpr std::size_t kMaxValueLength = 512;///< longer values are ignored

    /// Takes one Set-Cookie header value ("NAME=VALUE; Path=/; ..."); Max-Age=0 deletes.
    void store(std::string_view setCookie);
    /// The Cookie header value ("a=1; b=2"), empty when the jar is empty.
    std::string header() const;
    /// The value of one cookie, if held.
    std::optional<std::string> get(std::string_view name) const;
    /// Forgets one cookie.
    void erase(std::string_view name);
    /// Forgets everything.
    void clear() { m_cookies.clear(); }
    /// Cookies held.
    std::size_t size() const { return m_cookies.size(); }

private:
    std::vector<std::pair<std::string, std::string>> m_cookies;
};

} // namespace lblab
