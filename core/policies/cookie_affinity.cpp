#include "core/policies/cookie_affinity.h"

#include "core/base/cookie_header.h"
#include "core/policies/usable_backends.h"

#include <cstdio>

namespace lblab {
namespace {

// Anything longer is not a cookie we issued; refusing it keeps hostile keys out of the table.
constexpr std::size_t kMaxCookieValue = 64;
constexpr std::size_t kMaxTokenDigits = 16;

bool isHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

} // namespace

CookieAffinityPolicy::CookieAffinityPolicy(std::string cookieName, std::uint64_t seed, double ttlSeconds,
                                           std::size_t capacity)
    : StatefulPolicy(ttlSeconds, capacity), m_cookieName(std::move(cookieName)), m_rng(seed)
{
}

std::string_view CookieAffinityPolicy::backendNameOf(std::string_view value)
{
    if (value.empty() || value.size() > kMaxCookieValue)
        return {};
    const auto dash = value.rfind('-');
    if (dash == std::string_view::npos || dash == 0)
        return {};
    const std::string_view token = value.substr(dash + 1);
    if (token.empty() || token.size() > kMaxTokenDigits)
        return {};
    for (char c : token)
        if (!isHex(c))
            return {};
    return value.substr(0, dash);
}

void CookieAffinityPolicy::issueCookie(Decision& d, const BackendInfo& backend, int index, TimePoint now)
{
    char token[17];
    // A token already in the table would merge two clients' rows; draw again (rare, bounded).
    for (int attempt = 0; attempt < 8; ++attempt) {
        std::snprintf(token, sizeof token, "%08llx", static_cast<unsigned long long>(m_rng() & 0xFFFFFFFFull));
        d.key = backend.name;
        d.key += '-';
        d.key += token;
        if (!m_table.contains(d.key))
            break;
    }
    m_table.pin(d.key, index, now);
    d.backend = index;
    d.setCookie = m_cookieName;
    d.setCookie += '=';
    d.setCookie += d.key;
    d.setCookie += "; Path=/; HttpOnly; SameSite=Lax";
}

void CookieAffinityPolicy::decide(const RequestView& request, std::span<const BackendInfo> backends, Decision& d)
{
    d.reset();
    const auto cookie = findCookie(request.cookieHeader, m_cookieName);
    d.reason.key = ReasonKey::Cookie;
    bool wasPinned = false; // the client carried a valid pin whose server can no longer serve it
    if (cookie && !cookie->empty()) {
        if (PinEntry* entry = m_table.find(*cookie, request.now)) {
            d.reason.tableRow(ReasonRule::TableRepinned, entry->backend, entry->created, request.now);
            if (servesPinnedAt(backends, entry->backend)) {
                d.reason.rule = ReasonRule::TablePinned;
                m_table.touch(*entry, request.now);
                d.backend = entry->backend;
                d.kind = DecisionKind::Pinned;
                d.key = *cookie;
                return;
            }
            wasPinned = true;
        } else if (const auto name = backendNameOf(*cookie); !name.empty()) {
            // Not in the table (expired, evicted, or issued before a switch) but names a real
            // server: honour it, as HAProxy does, since the cookie itself carries the server.
            const int index = findBackendByName(backends, name);
            d.reason.tableRow(ReasonRule::TableRepinned, index, request.now, request.now);
            if (servesPinnedAt(backends, index)) {
                d.reason.rule = ReasonRule::CookieNamesServer;
                PinEntry& e = m_table.pin(*cookie, index, request.now);
                m_table.touch(e, request.now);
                d.backend = index;
                d.kind = DecisionKind::Pinned;
                d.key = *cookie;
                return;
            }
            wasPinned = index >= 0; // a name we never had is distrusted: treated as a new client
        }
    }
    const int pick = m_rotation.nextAcceptingNew(backends);
    if (pick < 0) {
        if (cookie)
            d.key = *cookie;
        d.reason.rule = ReasonRule::NoBackend;
        return;
    }
    if (!wasPinned)
        d.reason.rule = ReasonRule::TableNoEntry; // a cookie naming no server of ours was never a pin
    if (wasPinned) {
        // The old row is useless now: its server cannot serve the client.
        m_table.erase(*cookie);
        ++m_repins;
        d.kind = DecisionKind::Repinned;
    } else {
        d.kind = DecisionKind::NewPin;
    }
    issueCookie(d, backends[static_cast<std::size_t>(pick)], pick, request.now);
}

} // namespace lblab
