#include "core/policies/learned_session_policy.h"

#include "core/base/cookie_header.h"
#include "core/policies/usable_backends.h"

namespace lblab {
namespace {

// Longer ids are not session ids the lab's backends hand out; keep them out of the table.
constexpr std::size_t kMaxSessionId = 128;

} // namespace

LearnedSessionPolicy::LearnedSessionPolicy(std::string sessionCookieName, ReasonKey reasonKey, double ttlSeconds,
                                           std::size_t capacity)
    : StatefulPolicy(ttlSeconds, capacity), m_sessionCookieName(std::move(sessionCookieName)), m_reasonKey(reasonKey)
{
}

bool LearnedSessionPolicy::convertsFrom(std::string_view fromPolicy) const
{
    return (fromPolicy == "session-affinity" || fromPolicy == "url-param-affinity") && fromPolicy != id();
}

void LearnedSessionPolicy::decide(const RequestView& request, std::span<const BackendInfo> backends, Decision& d)
{
    d.reset();
    const auto key = requestKey(request);
    d.reason.key = m_reasonKey;
    PinEntry* entry = nullptr;
    if (key && !key->empty() && key->size() <= kMaxSessionId) {
        d.key = *key;
        entry = m_table.find(*key, request.now);
    }
    if (entry)
        d.reason.tableRow(ReasonRule::TableRepinned, entry->backend, entry->created, request.now);
    else
        d.reason.rule = ReasonRule::TableNoEntry;
    if (entry && servesPinnedAt(backends, entry->backend)) {
        d.reason.rule = ReasonRule::TablePinned;
        m_table.touch(*entry, request.now);
        d.backend = entry->backend;
        d.kind = DecisionKind::Pinned;
        return;
    }
    const int pick = m_rotation.nextAcceptingNew(backends);
    if (pick < 0) {
        d.reason.rule = ReasonRule::NoBackend;
        return;
    }
    d.backend = pick;
    if (entry) {
        // The session lived on a server that is gone; the id follows the client to the new one
        // (the application will likely answer with a session miss and a new login).
        m_table.pin(*key, pick, request.now);
        ++m_repins;
        d.kind = DecisionKind::Repinned;
    } else {
        d.kind = DecisionKind::RoundRobin;
    }
}

void LearnedSessionPolicy::observeResponse(const RequestView& request, const Decision&, const ResponseView& response)
{
    for (std::string_view raw : response.setCookies) {
        const auto cookie = parseSetCookie(raw);
        if (!cookie || cookie->name != m_sessionCookieName)
            continue;
        if (cookie->deletes) {
            // Logout: the id the client carried is dead, whichever name the deletion uses.
            if (const auto key = requestKey(request); key && !key->empty())
                m_table.erase(*key);
            if (!cookie->value.empty())
                m_table.erase(cookie->value);
            continue;
        }
        if (response.backend < 0 || cookie->value.size() > kMaxSessionId)
            continue;
        PinEntry* entry = m_table.find(cookie->value, request.now);
        if (entry && entry->backend == response.backend)
            continue; // the same session re-announced: keep its history
        m_table.pin(cookie->value, response.backend, request.now);
    }
}

} // namespace lblab
