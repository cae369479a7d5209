#include "core/store/session_store_kind.h"

namespace lblab {

std::optional<SessionStoreKind> SessionStoreCatalog::parse(std::string_view id)
{
    for (SessionStoreKind kind : all())
        if (SessionStoreCatalog::id(kind) == id)
            return kind;
    return std::nullopt;
}

std::string_view SessionStoreCatalog::id(SessionStoreKind kind)
{
    switch (kind) {
    case SessionStoreKind::Local: return "local";
    case SessionStoreKind::Shared: return "shared";
    case SessionStoreKind::Client: return "client";
    }
    return "local";
}

std::string_view SessionStoreCatalog::displayName(SessionStoreKind kind)
{
    switch (kind) {
    case SessionStoreKind::Local: return "On each server";
    case SessionStoreKind::Shared: return "Shared (Redis)";
    case SessionStoreKind::Client: return "Signed cookie";
    }
    return "On each server";
}

std::string_view SessionStoreCatalog::description(SessionStoreKind kind)
{
    switch (kind) {
    case SessionStoreKind::Local:
        return "Each server keeps its own logins in memory: a request that lands on another server misses, so the "
               "balancer must be sticky; a server that dies takes its users' sessions with it.";
    case SessionStoreKind::Shared:
        return "Every server keeps sessions in one Redis: any server can answer any user, so round robin works; "
               "each login and page costs a round trip to the store, and if the store dies every server's users "
               "fail at once.";
    case SessionStoreKind::Client:
        return "The session is a cookie the servers sign with HMAC-SHA256 and verify on every request: no server "
               "and no store keeps anything, so nothing can lose it; the cost is the token's bytes on every "
               "request and a signature check.";
    }
    return {};
}

const std::vector<SessionStoreKind>& SessionStoreCatalog::all()
{
    static const std::vector<SessionStoreKind> kinds = {SessionStoreKind::Local, SessionStoreKind::Shared,
                                                        SessionStoreKind::Client};
    return kinds;
}

} // namespace lblab
