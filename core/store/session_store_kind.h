#pragma once

// Where a backend keeps its users' sessions: the three answers to "what if the next request lands on
// another server?".

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace lblab {

/// Where the backends keep sessions (LabConfig::sessionStore, scenario "session_store", --session-store).
enum class SessionStoreKind : std::uint8_t {
    Local,  ///< each server keeps its own logins in memory (a session lives on one server)
    Shared, ///< every server keeps sessions in one real Redis the lab starts
    Client, ///< the session is an HMAC-signed cookie; no server keeps anything
};

/// Ids, names and lessons of the session stores.
class SessionStoreCatalog {
public:
    /// The store of an id ("local", "shared", "client"), or nullopt.
    static std::optional<SessionStoreKind> parse(std::string_view id);
    /// The stable id: "local", "shared" or "client".
    static std::string_view id(SessionStoreKind kind);
    /// The name shown to the user: "On each server", "Shared (Redis)", "Signed cookie".
    static std::string_view displayName(SessionStoreKind kind);
    /// One sentence: where the session lives, what breaks it and what it costs.
    static std::string_view description(SessionStoreKind kind);
    /// Every store, local first.
    static const std::vector<SessionStoreKind>& all();
};

} // namespace lblab
