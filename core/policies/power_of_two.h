#pragma once

#include "core/policies/accepting_backends.h"
#include "core/policies/policy.h"

#include <cstdint>
#include <random>

namespace lblab {

/// "Power of two choices": draws two different backends at random and keeps the less busy one.
/// Nearly as even as least-connections while looking at only two servers.
class PowerOfTwoPolicy final : public Policy {
public:
    /// A generator seeded with `seed`, so runs repeat.
    explicit PowerOfTwoPolicy(std::uint64_t seed) : m_rng(seed) {}
    /// The id "power-of-two".
    std::string_view id() const override { return "power-of-two"; }
    /// The better of two distinct random picks.
    void decide(const RequestView& request, std::span<const BackendInfo> backends, Decision& d) override;
    /// Rebuilds the list of usable backends.
    void backendsChanged(std::span<const BackendInfo> backends) override { m_accepting.rebuild(backends); }

private:
    std::mt19937_64 m_rng;
    AcceptingBackends m_accepting;
};

} // namespace lblab
