#include "core/policies/decision.h"

namespace lblab {

std::string_view toString(DecisionKind kind)
{
    switch (kind) {
    case DecisionKind::RoundRobin: return "round-robin";
    case DecisionKind::WeightedRoundRobin: return "weighted";
    case DecisionKind::Random: return "random";
    case DecisionKind::LeastConnections: return "least-connections";
    case DecisionKind::PowerOfTwo: return "power-of-two";
    case DecisionKind::Hash: return "hash";
    case DecisionKind::Geo: return "geo";
    case DecisionKind::GeoFallback: return "geo-fallback";
    case DecisionKind::Pinned: return "pinned";
    case DecisionKind::NewPin: return "new-pin";
    case DecisionKind::Repinned: return "re-pinned";
    case DecisionKind::Retried: return "retried";
    case DecisionKind::NoBackend: return "no-backend";
    }
    return "unknown";
}

std::optional<DecisionKind> parseDecisionKind(std::string_view text)
{
    for (int i = 0; i <= static_cast<int>(DecisionKind::NoBackend); ++i) {
        const auto kind = static_cast<DecisionKind>(i);
        if (toString(kind) == text)
            return kind;
    }
    return std::nullopt;
}

} // namespace lblab
