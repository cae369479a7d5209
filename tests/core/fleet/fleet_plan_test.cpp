#include "core/fleet/fleet_plan.h"

#include <gtest/gtest.h>

#include <set>

using namespace lblab;

namespace {
ClientGroupSpec group(std::string name, int count, int nat = 1, std::string region = "eu")
{
    ClientGroupSpec g;
    g.name = std::move(name);
    g.count = count;
    g.natGroupSize = nat;
    g.region = std::move(region);
    return g;
}
} // namespace

TEST(FleetPlan, UsersGetIdsAndConsecutiveAddressesInGroupOrder)
{
    const FleetPlan plan = planFleet({group("a", 3), group("b", 2)}, {}, 1);
    ASSERT_EQ(plan.users.size(), 5u);
    ASSERT_EQ(plan.slots.size(), 5u);
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(plan.users[i].id, "c" + std::to_string(i));
        EXPECT_EQ(plan.users[i].slot, i);
        EXPECT_EQ(plan.slots[i].ip, loopbackAddress(1, static_cast<std::uint32_t>(i)));
    }
    EXPECT_EQ(formatIpv4(plan.slots[0].ip), "127.1.0.1");
    EXPECT_EQ(plan.users[3].group, 1u);
}

TEST(FleetPlan, NatGroupSharesOneAddressPerKUsers)
{
    const FleetPlan plan = planFleet({group("solo", 2), group("office", 10, 4)}, {}, 1);
    ASSERT_EQ(plan.users.size(), 12u);
    // 2 solo slots + ceil(10 / 4) = 3 NAT slots.
    ASSERT_EQ(plan.slots.size(), 5u);
    EXPECT_EQ(plan.slots[2].members.size(), 4u);
    EXPECT_EQ(plan.slots[4].members.size(), 2u);
    EXPECT_EQ(plan.users[2].slot, plan.users[5].slot);
    EXPECT_NE(plan.users[5].slot, plan.users[6].slot);
    std::set<Ipv4> ips;
    for (const auto& s : plan.slots)
        ips.insert(s.ip);
    EXPECT_EQ(ips.size(), plan.slots.size());
}

TEST(FleetPlan, MixedRegionsComeFromTheSeed)
{
    const std::vector<std::string> regions{"eu", "us", "asia"};
    const FleetPlan a = planFleet({group("m", 60, 1, "mixed")}, regions, 7);
    const FleetPlan b = planFleet({group("m", 60, 1, "mixed")}, regions, 7);
    const FleetPlan c = planFleet({group("m", 60, 1, "mixed")}, regions, 8);
    std::set<std::string> seen;
    bool differs = false;
    for (std::size_t i = 0; i < a.users.size(); ++i) {
        EXPECT_EQ(a.users[i].region, b.users[i].region);
        differs |= a.users[i].region != c.users[i].region;
        seen.insert(a.users[i].region);
    }
    EXPECT_TRUE(differs);
    EXPECT_EQ(seen.size(), 3u);
    EXPECT_EQ(planFleet({group("m", 1, 1, "mixed")}, {}, 1).users[0].region, "eu");
}

TEST(FleetPlan, EmptyAndNonsenseGroupsAreSafe)
{
    EXPECT_TRUE(planFleet({}, {}, 1).users.empty());
    EXPECT_TRUE(planFleet({group("none", -3, 0)}, {}, 1).users.empty());
    EXPECT_EQ(planFleet({group("nat0", 3, 0)}, {}, 1).slots.size(), 3u);
}

TEST(FleetPlan, MobileAddressesAreUniqueIn127_100)
{
    EXPECT_EQ(formatIpv4(mobileAddress(0)), "127.100.0.1");
    EXPECT_EQ(formatIpv4(mobileAddress(1)), "127.100.0.2");
    EXPECT_NE(mobileAddress(253), mobileAddress(254));
}
