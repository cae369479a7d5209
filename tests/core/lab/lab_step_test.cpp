// Slow motion and single steps through the whole lab: fleet -> balancer -> backends -> capture, real
// sockets, every policy. Counts are taken at the capture (what the balancer proxied) and checked
// against the fleet's own (what the users sent and got back).

#include "core/config/preset_catalog.h"
#include "core/lab/lab.h"
#include "core/policies/policy_catalog.h"
#include "support/wait_for.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace lblab {
namespace {

using namespace std::chrono_literals;
using test::staysFalse;
using test::waitFor;

LabConfig stepLab(const std::string& policy)
{
    LabConfig c = *PresetCatalog::find("login-source-ip");
    c.policy = policy;
    c.requestRate = 300;
    c.timeline.clear();
    return c;
}

/// Nothing moves: the fleet has nothing queued or in flight, and the capture has every answer.
bool quiet(const Lab& lab)
{
    const FleetStats f = lab.fleetStats();
    return f.pending == 0 && f.sent == f.answered + f.failed && lab.capture().totals().requests == f.answered;
}

class LabStepTest : public ::testing::TestWithParam<std::string> {};

TEST_P(LabStepTest, EachStepLetsExactlyOneRequestThrough)
{
    Lab lab(stepLab(GetParam()));
    lab.start();
    ASSERT_TRUE(waitFor([&] { return lab.capture().totals().requests >= 30; }));

    lab.setStepping(true);
    ASSERT_TRUE(waitFor([&] { return lab.publishNow()->stepping; }));
    ASSERT_TRUE(waitFor([&] { return quiet(lab); })) << "what was on its way finishes";
    const std::uint64_t before = lab.capture().totals().requests;
    EXPECT_TRUE(staysFalse([&] { return lab.capture().totals().requests != before; }, 300ms))
        << "requests came in step mode without a step";

    constexpr std::uint64_t kSteps = 4;
    for (std::uint64_t n = 1; n <= kSteps; ++n) {
        lab.step();
        ASSERT_TRUE(waitFor([&] { return lab.capture().totals().requests >= before + n; })) << "step " << n;
        ASSERT_TRUE(waitFor([&] { return quiet(lab); }));
        ASSERT_EQ(lab.capture().totals().requests, before + n) << "step " << n << " let more than one through";
    }
    const auto s = lab.publishNow();
    EXPECT_EQ(s->steps, kSteps);
    EXPECT_TRUE(s->stepping);
    EXPECT_FALSE(s->stepClient.empty());
    EXPECT_GE(s->stepUs, 0);
    // The last step's request is in the snapshot, from the user the step released.
    ASSERT_FALSE(s->recentRequests.empty());
    EXPECT_EQ(s->recentRequests.back().clientId, s->stepClient);
    EXPECT_EQ(s->recentRequestsEnd, before + kSteps);
    EXPECT_EQ(lab.fleetStats().failed, 0u);

    lab.setStepping(false);
    ASSERT_TRUE(waitFor([&] { return lab.capture().totals().requests > before + kSteps + 30; }))
        << "leaving step mode lets requests flow again";
    lab.stop();
}

std::vector<std::string> policyIds()
{
    std::vector<std::string> ids;
    for (const PolicyDescriptor& d : PolicyCatalog::all())
        ids.push_back(d.id);
    return ids;
}

INSTANTIATE_TEST_SUITE_P(EveryPolicy, LabStepTest, ::testing::ValuesIn(policyIds()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             std::string name;
                             for (char c : info.param)
                                 name += c == '-' ? '_' : c;
                             return name;
                         });

TEST(LabPaceTest, AStepResumesAPausedRunIntoStepMode)
{
    Lab lab(stepLab("cookie-affinity"));
    lab.start();
    ASSERT_TRUE(waitFor([&] { return lab.capture().totals().requests >= 20; }));
    lab.setPaused(true);
    ASSERT_TRUE(waitFor([&] { return lab.publishNow()->state == RunState::Paused && quiet(lab); }));
    const std::uint64_t before = lab.capture().totals().requests;
    lab.step();
    ASSERT_TRUE(waitFor([&] { return lab.capture().totals().requests == before + 1 && quiet(lab); }));
    const auto s = lab.publishNow();
    EXPECT_EQ(s->state, RunState::Running);
    EXPECT_TRUE(s->stepping);
    EXPECT_TRUE(staysFalse([&] { return lab.capture().totals().requests != before + 1; }, 200ms));
    lab.stop();
}

TEST(LabPaceTest, SpeedSlowsTheUsersAndIsLogged)
{
    Lab lab(stepLab("round-robin"));
    lab.start();
    lab.setSpeed(0.25);
    ASSERT_TRUE(waitFor([&] { return lab.publishNow()->speed == 0.25; }));
    ASSERT_TRUE(waitFor([&] { return lab.fleetStats().arrivalRate == 300 * 0.25; }));
    EXPECT_EQ(lab.publishNow()->requestRate, 300) << "the rate in force is still the configured one";
    lab.setRequestRate(200);
    ASSERT_TRUE(waitFor([&] { return lab.fleetStats().arrivalRate == 200 * 0.25; }));
    lab.setSpeed(5); // clamped to full speed
    ASSERT_TRUE(waitFor([&] { return lab.fleetStats().arrivalRate == 200; }));
    bool logged = false;
    for (const LabEvent& e : lab.capture().labEvents())
        logged = logged || e.detail.rfind("speed 1/4", 0) == 0;
    EXPECT_TRUE(logged);
    lab.stop();
}

TEST(LabPaceTest, TheSnapshotCarriesBoundedRecentRequests)
{
    LabConfig c = stepLab("round-robin");
    c.requestRate = 2000;
    Lab lab(c);
    lab.start();
    ASSERT_TRUE(waitFor([&] { return lab.capture().totals().requests >= 1000; }));
    const auto s = lab.publishNow();
    EXPECT_LE(s->recentRequests.size(), Snapshot::kRecentRequests);
    EXPECT_GE(s->recentRequests.size(), 100u) << "at 2,000/s the last second holds far more than the bound";
    EXPECT_EQ(s->recentRequestsEnd, s->totals.requests) << "taken under the same lock";
    lab.stop();
}

} // namespace
} // namespace lblab
