#pragma once

#include "core/policies/accepting_backends.h"
#include "core/policies/policy.h"

#include <cstdint>
#include <random>

namespace lblab {

/// Picks uniformly at random among the backends that take new clients.
class RandomPolicy final : public Policy {
public:
    /// A generator seeded with `seed`, so runs repeat.
    explicit RandomPolicy(std::uint64_t seed) : m_rng(seed) {}
    /// The id "random".
    std::string_view id() const override { return "random"; }
    /// A uniform pick.
    void decide(const RequestView& request, std::span<const BackendInfo> backends, Decision& d) override;
    /// Rebuilds the list of usable backends.
    void backendsChanged(std::span<const BackendInfo> backends) override { m_accepting.rebuild(backends); }

private:
    std::mt19937_64 m_rng;
    AcceptingBackends m_accepting;
};

} // namespace lblab
