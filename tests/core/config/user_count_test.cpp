#include "core/config/user_count.h"

#include "core/config/preset_catalog.h"

#include <gtest/gtest.h>

using lblab::LabConfig;

namespace {

LabConfig twoGroups()
{
    LabConfig c;
    c.clients = {lblab::ClientGroupSpec{}, lblab::ClientGroupSpec{}};
    c.clients[0].count = 60;
    c.clients[1].count = 40;
    return c;
}

} // namespace

TEST(UserCountTest, ScalingKeepsProportionsAndTheExactTotal)
{
    LabConfig c = twoGroups();
    EXPECT_EQ(lblab::totalUsers(c), 100);
    lblab::scaleUsers(c, 7);
    EXPECT_EQ(lblab::totalUsers(c), 7);
    EXPECT_EQ(c.clients[0].count, 4);
    LabConfig big = twoGroups();
    lblab::scaleUsers(big, 9000);
    EXPECT_EQ(lblab::totalUsers(big), 9000);
    EXPECT_EQ(big.clients[0].count, 5400);
    lblab::scaleUsers(c, 0);
    EXPECT_EQ(lblab::totalUsers(c), 0);
    LabConfig empty;
    empty.clients.clear();
    lblab::scaleUsers(empty, 10); // no groups: nothing to scale, no crash
    EXPECT_TRUE(empty.clients.empty());
}

TEST(UserCountTest, ANatGroupNeverSharesOneAddressAmongMoreUsersThanItHas)
{
    const LabConfig* nat = lblab::PresetCatalog::find("nat-skew");
    ASSERT_NE(nat, nullptr);
    LabConfig c = *nat;
    lblab::scaleUsers(c, 3);
    for (const auto& g : c.clients)
        EXPECT_LE(g.natGroupSize, std::max(1, g.count)) << g.name;
    EXPECT_EQ(lblab::totalUsers(c), 3);
}
