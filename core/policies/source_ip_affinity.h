#pragma once

#include "core/policies/stateful_policy.h"

namespace lblab {

/// Remembers which server each client address was sent to and keeps sending it there. A client
/// whose address changes (mobile, NAT) looks new and may land elsewhere.
class SourceIpAffinityPolicy final : public StatefulPolicy {
public:
    /// A table with the given idle TTL and capacity.
    SourceIpAffinityPolicy(double ttlSeconds, std::size_t capacity) : StatefulPolicy(ttlSeconds, capacity) {}
    /// The id "source-ip-affinity".
    std::string_view id() const override { return "source-ip-affinity"; }
    /// Pinned for a known address, NewPin for an unknown one, Repinned when its server is gone.
    void decide(const RequestView& request, std::span<const BackendInfo> backends, Decision& d) override;
};

} // namespace lblab
