#pragma once

// The balancers the lab can drive, by id, and what each of them can do with each policy.

#include "core/engines/engine_setup.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lblab {

/// Whether an engine can run a policy, and if not, why (shown to the user as is).
struct EngineSupport {
    bool supported = true; ///< the engine's generator accepts the policy
    std::string reason;    ///< why not ("" when supported)
};

/// Ids, names and per-policy support of the engines (builtin, HAProxy, NGINX).
class EngineCatalog {
public:
    /// The engine of an id ("builtin", "haproxy", "nginx"), or nullopt.
    static std::optional<EngineKind> parse(std::string_view id);
    /// The stable id: "builtin", "haproxy" or "nginx".
    static std::string_view id(EngineKind kind);
    /// The name shown to the user: "Builtin", "HAProxy", "NGINX".
    static std::string_view displayName(EngineKind kind);
    /// The program looked up on PATH ("" for the builtin engine).
    static std::string_view programName(EngineKind kind);
    /// Every engine, builtin first.
    static const std::vector<EngineKind>& all();

    /// Whether `kind` can run the policy `policyId` (a PolicyCatalog id); an unknown id is unsupported.
    static EngineSupport support(EngineKind kind, std::string_view policyId);
    /// One or two sentences for the Explain panel on how the engine implements the policy ("" if none).
    static std::string note(EngineKind kind, std::string_view policyId);
    /// The engine's own words for what decides under the policy, short enough for the why column
    /// ("balance source", "hash $request_uri"); "" for the builtin engine or an unknown policy.
    static std::string_view directive(EngineKind kind, std::string_view policyId);
};

} // namespace lblab
