#include "core/lab/lab_setup.h"

#include "core/config/scenario_file.h"

#include <gtest/gtest.h>

#include <thread>

namespace lblab {
namespace {

LabConfig threeServers()
{
    LabConfig c;
    c.policy = "round-robin";
    c.requestRate = 200;
    c.durationSeconds = 30;
    for (const char* name : {"s1", "s2", "s3"}) {
        BackendSpec s;
        s.name = name;
        c.servers.push_back(s);
    }
    return c;
}

std::vector<std::string> names(const LabConfig& c)
{
    std::vector<std::string> out;
    for (const auto& s : c.servers)
        out.push_back(s.name);
    return out;
}

TEST(LabSetupTest, InForceListsOnlyTheTimelineStillToComeSoItOpensAsAScenario)
{
    LabConfig c = threeServers();
    TimelineStep add;
    add.atSeconds = 1;
    add.action = TimelineStep::Action::AddBackend;
    add.target = "s4";
    TimelineStep remove;
    remove.atSeconds = 2;
    remove.action = TimelineStep::Action::RemoveBackend;
    remove.target = "s4";
    c.timeline = {add, remove};
    LabSetup setup(c);
    // The first step runs: s4 joins, and the step is spent.
    BackendSpec s4;
    s4.name = "s4";
    setup.backendAdded(s4, ChangeOrigin::Timeline);
    setup.timelineStepRan();
    const LabConfig now = setup.inForce(1.5);
    EXPECT_EQ(names(now), (std::vector<std::string>{"s1", "s2", "s3", "s4"}));
    ASSERT_EQ(now.timeline.size(), 1u);
    EXPECT_EQ(now.timeline[0].action, TimelineStep::Action::RemoveBackend);
    // Written and read back, it is a valid scenario (s4 is not added twice).
    const LabConfig reopened = ScenarioFile::parse(ScenarioFile::toJson(now), "run.json");
    EXPECT_EQ(reopened.servers.size(), 4u);
    EXPECT_EQ(reopened.timeline.size(), 1u);
    // The user's setup keeps the whole timeline: a restart replays it.
    EXPECT_EQ(setup.userSetup().timeline.size(), 2u);
}

TEST(LabSetupTest, InForceTakesEveryChangeTheUserSetupOnlyTheUsers)
{
    LabSetup setup(threeServers());
    BackendSpec added;
    added.name = "s4";
    added.serviceTimeMs = 9;
    setup.backendAdded(added, ChangeOrigin::User);
    BackendSpec scripted;
    scripted.name = "extra";
    setup.backendAdded(scripted, ChangeOrigin::Timeline);
    setup.policyChanged("random", ChangeOrigin::Timeline);
    setup.policyChanged("cookie-affinity", ChangeOrigin::User);
    setup.policyChanged("least-connections", ChangeOrigin::Timeline);
    setup.backendRemoved("s2", ChangeOrigin::User);
    setup.backendRemoved("s3", ChangeOrigin::Timeline);
    setup.weightChanged("s1", 5, ChangeOrigin::User);
    setup.weightChanged("s4", 2, ChangeOrigin::Timeline);
    setup.rateChanged(80, ChangeOrigin::Timeline);

    const LabConfig now = setup.inForce(12.5);
    EXPECT_EQ(names(now), (std::vector<std::string>{"s1", "s4", "extra"}));
    EXPECT_EQ(now.policy, "least-connections");
    EXPECT_DOUBLE_EQ(now.requestRate, 80);
    EXPECT_DOUBLE_EQ(now.durationSeconds, 12.5);
    EXPECT_EQ(now.servers[0].weight, 5);
    EXPECT_EQ(now.servers[1].weight, 2);
    EXPECT_DOUBLE_EQ(now.servers[1].serviceTimeMs, 9) << "an added server keeps its spec";

    const LabConfig user = setup.userSetup();
    EXPECT_EQ(names(user), (std::vector<std::string>{"s1", "s3", "s4"}));
    EXPECT_EQ(user.policy, "cookie-affinity");
    EXPECT_DOUBLE_EQ(user.requestRate, 200);
    EXPECT_DOUBLE_EQ(user.durationSeconds, 30) << "the user's setup keeps the configured length";
    EXPECT_EQ(user.servers[0].weight, 5);
    EXPECT_EQ(user.servers[2].weight, 1) << "the timeline's weight is not the user's";
}

TEST(LabSetupTest, ReadersOnAnotherThreadSeeWholeValues)
{
    // Run under TSan in CI: the GUI thread reads while the control thread changes.
    LabSetup setup(threeServers());
    std::thread writer([&] {
        for (int i = 0; i < 2000; ++i) {
            BackendSpec s;
            s.name = "x" + std::to_string(i);
            setup.backendAdded(s, ChangeOrigin::User);
            setup.backendRemoved(s.name, ChangeOrigin::User);
            setup.policyChanged(i % 2 ? "random" : "round-robin", ChangeOrigin::User);
        }
    });
    for (int i = 0; i < 2000; ++i) {
        const LabConfig c = setup.userSetup();
        ASSERT_GE(c.servers.size(), 3u);
        ASSERT_LE(c.servers.size(), 4u);
        ASSERT_TRUE(c.policy == "random" || c.policy == "round-robin");
        (void)setup.inForce(1.0);
    }
    writer.join();
    EXPECT_EQ(setup.userSetup().servers.size(), 3u);
}

} // namespace
} // namespace lblab
