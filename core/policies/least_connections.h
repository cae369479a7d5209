#pragma once

#include "core/policies/accepting_backends.h"
#include "core/policies/policy.h"

#include <cstddef>

namespace lblab {

/// Sends each request to the backend with the fewest requests in flight; ties go round in turn,
/// so an idle fleet is not all piled onto s1.
class LeastConnectionsPolicy final : public Policy {
public:
    /// The id "least-connections".
    std::string_view id() const override { return "least-connections"; }
    /// The least busy backend that takes new clients.
    void decide(const RequestView& request, std::span<const BackendInfo> backends, Decision& d) override;
    /// Rebuilds the list of usable backends.
    void backendsChanged(std::span<const BackendInfo> backends) override { m_accepting.rebuild(backends); }

private:
    std::size_t m_next = 0; ///< where the tie-breaking scan starts
    AcceptingBackends m_accepting;
};

} // namespace lblab
