#include "core/fleet/fleet_plan.h"

#include <algorithm>
#include <random>

namespace lblab {

namespace {
constexpr std::uint8_t kFirstOctet = 1;
constexpr std::uint8_t kMobileOctet = 100;
// Separates the region stream from the other streams drawn from the same seed.
constexpr std::uint64_t kRegionStream = 0x5245474E00000001ull;
} // namespace

FleetPlan planFleet(const std::vector<ClientGroupSpec>& groups, const std::vector<std::string>& regions,
                    std::uint64_t seed)
{
    FleetPlan plan;
    std::mt19937_64 rng(seed ^ kRegionStream);
    std::uint32_t nextAddress = 0;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        const ClientGroupSpec& spec = groups[g];
        const int nat = std::max(1, spec.natGroupSize);
        for (int i = 0; i < std::max(0, spec.count); ++i) {
            if (i % nat == 0) {
                AddressSlot slot;
                slot.ip = loopbackAddress(kFirstOctet, nextAddress++);
                slot.ipChangeMeanSeconds = std::max(0.0, spec.ipChangeMeanSeconds);
                plan.slots.push_back(std::move(slot));
            }
            UserPlan user;
            // Appending (not "c" + to_string) sidesteps a g++ 12 -Wrestrict false positive.
            user.id = "c";
            user.id += std::to_string(plan.users.size());
            user.group = g;
            user.slot = plan.slots.size() - 1;
            if (spec.region == "mixed") {
                if (regions.empty()) {
                    user.region = "eu";
                } else {
                    std::uniform_int_distribution<std::size_t> pick(0, regions.size() - 1);
                    user.region = regions[pick(rng)];
                }
            } else {
                user.region = spec.region;
            }
            user.weight = std::max(0.0, spec.rateShare);
            plan.slots.back().members.push_back(plan.users.size());
            plan.users.push_back(std::move(user));
        }
    }
    return plan;
}

Ipv4 mobileAddress(std::uint32_t k)
{
    return loopbackAddress(kMobileOctet, k);
}

} // namespace lblab
