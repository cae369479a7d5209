#pragma once

#include "core/base/ipv4.h"
#include "core/config/lab_config.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lblab {

/// One virtual user as planned from the groups, before any socket exists.
struct UserPlan {
    std::string id;            ///< "c0", "c1", ...
    std::size_t group = 0;     ///< index into the groups
    std::size_t slot = 0;      ///< index of the address slot it sends from (shared under NAT)
    std::string region;        ///< its region (drawn for "mixed" groups)
    double weight = 1.0;       ///< its share of the total arrival rate (the group's rateShare)
};

/// A source address shared by one user, or by every member of a NAT group; it moves as one.
struct AddressSlot {
    Ipv4 ip = 0;                       ///< its first address
    std::vector<std::size_t> members;  ///< users sending from it
    double ipChangeMeanSeconds = 0;    ///< mean time between moves (0 = never)
};

/// The deterministic layout of a fleet: users, their address slots, their regions.
struct FleetPlan {
    std::vector<UserPlan> users;
    std::vector<AddressSlot> slots;
};

/// Expands groups into users "c0".. in group order. Slots take consecutive addresses from
/// 127.1.0.1; a NAT group (natGroupSize k > 1) puts every k consecutive users on one slot.
/// "mixed" regions are drawn from `regions` with an RNG seeded by `seed`.
FleetPlan planFleet(const std::vector<ClientGroupSpec>& groups, const std::vector<std::string>& regions,
                    std::uint64_t seed);

/// The k-th fresh address handed out on a move (127.100.0.1, 127.100.0.2, ...).
Ipv4 mobileAddress(std::uint32_t k);

} // namespace lblab
