#pragma once

#include "core/engines/engine_setup.h"
#include "core/policies/decision.h"

#include <string>
#include <string_view>
#include <vector>

namespace lblab {

/// The rules both generators share for what goes into a configuration file verbatim, and the words
/// they share with the lab (the log's "why", which policies read weights, the region groups).
/// `engine` names the file in a refusal ("HAProxy", "NGINX").
class ConfigWords {
public:
    /// Names, regions and parameters go into the file verbatim: anything beyond [A-Za-z0-9._-] could
    /// end an argument and start another. Throws std::invalid_argument naming `what` and the value.
    static void requireToken(std::string_view engine, std::string_view what, std::string_view value);
    /// Letters, digits and '_' only (part of an NGINX variable name such as $cookie_NAME).
    static void requireWord(std::string_view engine, std::string_view what, std::string_view value);
    /// A host name or IPv4/IPv6 address (token characters and ':').
    static void requireAddress(std::string_view engine, std::string_view what, std::string_view value);
    /// A time as both engines write it: "2s" for whole seconds, else "500ms"; at least `minimumMs`,
    /// at most 2^31 - 1 ms.
    static std::string duration(double seconds, long long minimumMs = 1);
    /// ASCII lower case.
    static std::string lower(std::string_view text);
    /// The log's "why" word for `kind` (DecisionKind's stable name, which the log parser reads back).
    static std::string why(DecisionKind kind);
    /// Like the builtin policies: only weighted-round-robin and consistent-hash read the weights.
    static bool usesWeights(std::string_view policy);
    /// The region groups in order of first appearance, lower-cased; backends without a region join none.
    static std::vector<std::string> regionsOf(std::string_view engine, const EngineSetup& setup);
};

} // namespace lblab
