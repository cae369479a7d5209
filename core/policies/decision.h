#pragma once

#include "core/policies/decision_reason.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lblab {

/// Why a backend was chosen. Stable names (see toString) appear in events.csv.
enum class DecisionKind : std::uint8_t {
    RoundRobin,         ///< next in rotation
    WeightedRoundRobin, ///< smooth weighted rotation
    Random,             ///< uniform random pick
    LeastConnections,   ///< fewest active connections
    PowerOfTwo,         ///< better of two random picks
    Hash,               ///< hash of a request field (address, URL, key) over the backends
    Geo,                ///< a backend in the request's region
    GeoFallback,        ///< no backend up in the region: fell back to another
    Pinned,             ///< a session table (or cookie) already named this backend
    NewPin,             ///< first request of a key: a pin was created
    Repinned,           ///< the pinned backend was down or unknown: pinned anew
    Retried,            ///< the first choice failed to connect: retried once elsewhere
    NoBackend,          ///< nothing usable: the balancer answered 503 itself
};

/// Stable kebab-case name, e.g. "round-robin", "new-pin", "re-pinned".
std::string_view toString(DecisionKind kind);
/// The kind a stable name (toString) stands for; nullopt for an unknown name.
std::optional<DecisionKind> parseDecisionKind(std::string_view text);

/// A policy's answer: which backend and why.
struct Decision {
    int backend = -1;                      ///< index into the backend set; -1 when none is usable
    DecisionKind kind = DecisionKind::NoBackend;
    std::string key;                       ///< the session/hash key the policy decided on ("" if none)
    std::string setCookie;                 ///< a Set-Cookie value the balancer must add to the response ("" if none)
    DecisionReason reason;                 ///< the inputs the choice was made from (see whyText)

    /// Back to "no backend", keeping the strings' capacity.
    void reset()
    {
        backend = -1;
        kind = DecisionKind::NoBackend;
        key.clear();
        setCookie.clear();
        reason = DecisionReason{};
    }
};

} // namespace lblab
