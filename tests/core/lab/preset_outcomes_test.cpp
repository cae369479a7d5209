// Every preset, run briefly through real sockets, shows the outcome it exists to show.

#include "core/lab/lab.h"
#include "core/config/preset_catalog.h"
#include "support/wait_for.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

namespace lblab {
namespace {

/// What a run must have shown (on its latest snapshot) before it is stopped and judged: enough
/// requests, the timeline's step taken and its effect reached. Waiting for that instead of a fixed
/// run length keeps the outcomes the same on a slow, loaded machine.
using Enough = std::function<bool(const Snapshot&)>;

/// Generated users that sent at least one request after `tUs`.
std::size_t usersSeenSince(const Snapshot& s, std::int64_t tUs)
{
    return static_cast<std::size_t>(
        std::count_if(s.clients.begin(), s.clients.end(), [&](const ClientView& c) { return c.lastUs > tUs; }));
}

/// Users that have sent a request from an address they moved to.
std::size_t usersSeenAfterTheirMove(const Snapshot& s)
{
    return static_cast<std::size_t>(std::count_if(s.clients.begin(), s.clients.end(), [](const ClientView& c) {
        return c.ipChangedUs >= 0 && c.lastUs > c.ipChangedUs;
    }));
}

/// Every user sent a request after the last change to the lab (each remap has been counted).
bool everyUserSeenSinceTheChange(const Snapshot& s)
{
    return s.sinceChange.tUs >= 0 && usersSeenSince(s, s.sinceChange.tUs) == s.clients.size();
}

/// Runs `name` (optionally under another policy, then without the timeline's policy switches)
/// until `enough`, timeline steps compressed so the first one that acts (not a note) starts at
/// `firstStepAt` seconds, and returns the summary.
RunSummary run(const std::string& name, const Enough& enough, const std::string& policy = {},
               double firstStepAt = 1.2)
{
    using A = TimelineStep::Action;
    const LabConfig* preset = PresetCatalog::find(name);
    EXPECT_NE(preset, nullptr) << name;
    LabConfig c = *preset;
    if (!policy.empty()) {
        c.policy = policy;
        std::erase_if(c.timeline, [](const TimelineStep& s) { return s.action == A::SwitchPolicy; });
    }
    const auto firstAction =
        std::find_if(c.timeline.begin(), c.timeline.end(), [](const TimelineStep& s) { return s.action != A::Note; });
    if (firstAction != c.timeline.end()) {
        const double shift = firstAction->atSeconds - firstStepAt;
        for (auto& step : c.timeline)
            step.atSeconds = std::max(0.0, step.atSeconds - shift);
    }
    c.healthCheck.intervalSeconds = 0.2;
    Lab lab(c);
    lab.start();
    EXPECT_TRUE(test::waitFor([&] { return enough(*lab.snapshot()); }))
        << name << " never showed what it exists to show";
    lab.stop();
    return lab.summary();
}

double missRate(const RunSummary& s)
{
    return s.totals.sessionRequests ? static_cast<double>(s.totals.sessionMisses) / s.totals.sessionRequests : 0;
}

TEST(PresetOutcomesTest, RoundRobinBasicsSharesAThirdEach)
{
    const auto s = run("round-robin-basics", [](const Snapshot& s) { return s.totals.requests >= 400; });
    for (const auto& server : s.servers)
        EXPECT_NEAR(server.share, 1.0 / 3, 0.03) << server.name;
    EXPECT_GT(s.jain, 0.99);
}

TEST(PresetOutcomesTest, SearchByLocationSendsEveryRegionToItsServer)
{
    const auto s = run("search-by-location", [](const Snapshot& s) {
        return s.totals.requests > 200
            && std::all_of(s.servers.begin(), s.servers.end(), [](const BackendView& v) { return v.requests > 0; });
    });
    EXPECT_GT(s.totals.requests, 200u);
    for (const auto& server : s.servers)
        EXPECT_GT(server.requests, 0u) << server.name << " serves its region";
    EXPECT_EQ(s.totals.errors, 0u);
}

TEST(PresetOutcomesTest, LoginRoundRobinMissesMostSessionRequests)
{
    const auto s = run("login-round-robin", [](const Snapshot& s) { return s.totals.sessionRequests > 200; });
    EXPECT_GT(s.totals.sessionRequests, 200u);
    EXPECT_GT(missRate(s), 0.5) << "with 3 servers about two thirds miss";
}

TEST(PresetOutcomesTest, LoginSourceIpMissesNone)
{
    const auto s = run("login-source-ip",
                       [](const Snapshot& s) { return s.totals.sessionRequests > 200 && s.tableSize == 60; });
    EXPECT_GT(s.totals.sessionRequests, 200u);
    EXPECT_EQ(s.totals.sessionMisses, 0u);
    EXPECT_EQ(s.tableSize, 60u);
}

TEST(PresetOutcomesTest, MobileSourceIpBreaksAffinityAndLosesSessions)
{
    const auto s = run("mobile-source-ip", [](const Snapshot& s) {
        return s.totals.ipChanges > 10 && usersSeenAfterTheirMove(s) >= 10 && s.totals.affinityBreaks > 0
            && s.totals.sessionMisses > 0;
    });
    EXPECT_GT(s.totals.ipChanges, 10u);
    EXPECT_GT(s.totals.affinityBreaks, 0u);
    EXPECT_GT(s.totals.sessionMisses, 0u);
}

TEST(PresetOutcomesTest, MobileCookieSurvivesAddressChanges)
{
    const auto s = run("mobile-cookie", [](const Snapshot& s) {
        return s.totals.ipChanges > 10 && usersSeenAfterTheirMove(s) >= 10 && s.totals.sessionRequests > 200;
    });
    EXPECT_GT(s.totals.ipChanges, 10u);
    EXPECT_EQ(s.totals.affinityBreaks, 0u);
    EXPECT_EQ(s.totals.sessionMisses, 0u);
}

TEST(PresetOutcomesTest, UrlParamSessionSurvivesAddressChanges)
{
    const auto s = run("url-param-session", [](const Snapshot& s) {
        return s.totals.ipChanges > 10 && usersSeenAfterTheirMove(s) >= 10 && s.totals.sessionRequests > 200
            && s.tableSize > 30;
    });
    EXPECT_GT(s.totals.ipChanges, 10u);
    EXPECT_GT(s.totals.sessionRequests, 200u);
    EXPECT_EQ(s.totals.sessionMisses, 0u);
    EXPECT_GT(s.tableSize, 30u);
}

TEST(PresetOutcomesTest, NatSkewOverloadsOneServer)
{
    const auto s = run("nat-skew", [](const Snapshot& s) { return s.totals.requests >= 500; });
    EXPECT_GT(s.maxOverMean, 1.8);
    EXPECT_LT(s.jain, 0.7);
}

TEST(PresetOutcomesTest, ServerFailureRepinsItsClients)
{
    const auto s = run("server-failure", [](const Snapshot& s) {
        return s.servers.size() >= 2 && s.servers[1].state == BackendState::Down && s.totals.repins > 5
            && s.totals.remappedClients > 5;
    });
    EXPECT_GT(s.totals.repins, 5u);
    EXPECT_EQ(s.servers[1].status, "down");
    EXPECT_GT(s.totals.remappedClients, 5u);
}

TEST(PresetOutcomesTest, ScaleOutMovesModNMostConsistentHashFewStickyTableNone)
{
    const double users = 80;
    // s4 joined and every user has come back since, so each one that moved has been counted (a
    // sticky table may send s4 nobody).
    const Enough joinedAndAllBack = [](const Snapshot& s) {
        return s.servers.size() == 4 && everyUserSeenSinceTheChange(s);
    };
    const auto modN = run("scale-out", joinedAndAllBack, "ip-hash");
    const auto ring = run("scale-out", joinedAndAllBack, "consistent-hash");
    const auto sticky = run("scale-out", joinedAndAllBack, "source-ip-affinity");
    const double modNShare = modN.totals.remappedClients / users;
    const double ringShare = ring.totals.remappedClients / users;
    EXPECT_GT(modNShare, 0.55) << "mod-N moves about 3 in 4";
    EXPECT_LT(ringShare, 0.42) << "a ring moves about 1 in 4";
    EXPECT_GT(ringShare, 0.1);
    EXPECT_EQ(sticky.totals.remappedClients, 0u) << "a sticky table moves nobody";
    ASSERT_EQ(modN.servers.size(), 4u);
    EXPECT_GT(modN.servers[3].requests, 0u);
}

TEST(PresetOutcomesTest, SlowServerGetsLessUnderLeastConnectionsThanUnderRoundRobin)
{
    const Enough threeSeconds = [](const Snapshot& s) { return s.totals.requests >= 900; }; // at 300/s
    const auto leastConnections = run("slow-server", threeSeconds, "least-connections");
    const auto roundRobin = run("slow-server", threeSeconds, "round-robin");
    ASSERT_EQ(leastConnections.servers.size(), 3u);
    ASSERT_EQ(roundRobin.servers.size(), 3u);
    EXPECT_NEAR(roundRobin.servers[2].share, 1.0 / 3, 0.03) << "round robin ignores speed";
    EXPECT_LT(leastConnections.servers[2].share, roundRobin.servers[2].share - 0.05)
        << "least connections sees s3's requests pile up and sends it fewer";
}

TEST(PresetOutcomesTest, PowerOfTwoEvensTheLoadBetterThanRandom)
{
    const Enough threeSeconds = [](const Snapshot& s) { return s.totals.requests >= 1200; }; // at 400/s
    const auto twoChoices = run("power-of-two", threeSeconds, "power-of-two");
    const auto random = run("power-of-two", threeSeconds, "random");
    ASSERT_EQ(twoChoices.servers.size(), 8u);
    EXPECT_GT(twoChoices.totals.requests, 600u);
    EXPECT_LT(twoChoices.maxOverMean, random.maxOverMean);
    EXPECT_GT(twoChoices.jain, random.jain);
}

} // namespace
} // namespace lblab
