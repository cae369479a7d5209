#pragma once

#include "core/policies/backend_rotation.h"
#include "core/policies/policy.h"

namespace lblab {

/// Hands requests to the backends that take new clients in strict turn.
class RoundRobinPolicy final : public Policy {
public:
    /// The id "round-robin".
    std::string_view id() const override { return "round-robin"; }
    /// The next backend in turn, skipping those that take no new clients.
    void decide(const RequestView& request, std::span<const BackendInfo> backends, Decision& d) override;

private:
    BackendRotation m_rotation;
};

} // namespace lblab
