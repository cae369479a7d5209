#pragma once

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
    Decision choose(const RequestView& request, std::span<const BackendInfo> backends) override;

private:
    std::mt19937_64 m_rng;
};

} // namespace lblab
