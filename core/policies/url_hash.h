#pragma once

#include "core/policies/accepting_backends.h"
#include "core/policies/policy.h"

namespace lblab {

/// Hashes the request target (path and query) modulo the usable backends: the same URL always
/// goes to the same server, which keeps per-server caches warm.
class UrlHashPolicy final : public Policy {
public:
    /// The id "url-hash".
    std::string_view id() const override { return "url-hash"; }
    /// hash(target) mod N over the backends that take new clients.
    void decide(const RequestView& request, std::span<const BackendInfo> backends, Decision& d) override;
    /// Rebuilds the list of usable backends.
    void backendsChanged(std::span<const BackendInfo> backends) override { m_accepting.rebuild(backends); }

private:
    AcceptingBackends m_accepting;
};

} // namespace lblab
