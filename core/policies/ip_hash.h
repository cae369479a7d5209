#pragma once

#include "core/policies/accepting_backends.h"
#include "core/policies/policy.h"

namespace lblab {

/// Hashes the client's address and takes it modulo the number of usable backends: the same
/// address lands on the same server, until the set changes and most addresses move.
class IpHashPolicy final : public Policy {
public:
    /// The id "ip-hash".
    std::string_view id() const override { return "ip-hash"; }
    /// hash(peer) mod N over the backends that take new clients.
    void decide(const RequestView& request, std::span<const BackendInfo> backends, Decision& d) override;
    /// Rebuilds the list of usable backends.
    void backendsChanged(std::span<const BackendInfo> backends) override { m_accepting.rebuild(backends); }

private:
    AcceptingBackends m_accepting;
};

} // namespace lblab
