#include "core/config/setup_changes.h"

#include "core/config/preset_catalog.h"
#include "core/config/user_count.h"

#include <gtest/gtest.h>

using lblab::LabConfig;

TEST(SetupChangesTest, NamesEachChangeFromThePresetInOrder)
{
    const LabConfig* preset = lblab::PresetCatalog::find("login-round-robin");
    ASSERT_NE(preset, nullptr);
    EXPECT_TRUE(lblab::setupChanges(*preset, *preset).empty());

    LabConfig setup = *preset;
    setup.policy = "cookie-affinity";
    EXPECT_EQ(lblab::setupChanges(*preset, setup), std::vector<std::string>{"policy"});
    setup.requestRate += 100;
    lblab::scaleUsers(setup, lblab::totalUsers(*preset) + 5);
    setup.seed += 1;
    lblab::BackendSpec added = setup.servers.back();
    added.name = "s9";
    setup.servers.push_back(added);
    EXPECT_EQ(lblab::setupChanges(*preset, setup),
              (std::vector<std::string>{"policy", "rate", "clients", "seed", "servers"}));
    LabConfig reweighted = *preset;
    reweighted.servers.front().weight += 2;
    EXPECT_EQ(lblab::setupChanges(*preset, reweighted), std::vector<std::string>{"servers"});
}
