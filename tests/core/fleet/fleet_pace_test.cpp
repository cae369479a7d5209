// Slow motion and single steps of the fleet, against the fleet tests' server: a step sends exactly
// one request, a held user does not time out, the speed scales the arrival rate.

#include "core/fleet/client_fleet.h"
#include "core/fleet/fleet_harness.h"
#include "support/wait_for.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

using namespace lblab;
using namespace std::chrono_literals;
using lblab::test::elapsedSince;
using lblab::test::FleetHarness;
using lblab::test::group;
using lblab::test::staysFalse;
using lblab::test::waitFor;

TEST(ClientFleet, EachStepSendsExactlyOneRequest)
{
    FleetHarness h;
    auto options = h.options({group("web", 20, ClientBehaviour::Login)}, 400);
    std::vector<std::string> released; // on the fleet's thread, read after postedCallsRan()
    options.onStep = [&](const std::string& id) { released.push_back(id); };
    ClientFleet fleet(h.io, options);
    fleet.start();
    h.run();
    ASSERT_TRUE(waitFor([&] { return h.server.count() > 40; }));
    const auto quiet = [&] {
        const FleetStats st = fleet.stats();
        return st.pending == 0 && h.server.count() == st.sent;
    };
    fleet.setStepping(true);
    ASSERT_TRUE(h.postedCallsRan());
    EXPECT_EQ(fleet.stats().arrivalRate, 0.0) << "no arrivals of their own in step mode";
    ASSERT_TRUE(waitFor(quiet)) << "requests already queued finish";
    const std::size_t before = h.server.count();
    EXPECT_TRUE(staysFalse([&] { return h.server.count() != before; }, 300ms)) << "sent in step mode without a step";

    for (std::size_t n = 1; n <= 5; ++n) {
        fleet.step();
        ASSERT_TRUE(waitFor([&] { return h.server.count() >= before + n; })) << "step " << n;
        ASSERT_TRUE(waitFor(quiet));
        EXPECT_EQ(h.server.count(), before + n) << "step " << n << " let more than one request through";
    }
    ASSERT_TRUE(h.postedCallsRan());
    EXPECT_EQ(fleet.stats().steps, 5u);
    ASSERT_EQ(released.size(), 5u);
    const auto seen = h.server.seen();
    for (std::size_t i = 0; i < 5; ++i)
        EXPECT_EQ(seen[before + i].client, released[i]) << "the request of step " << i + 1 << " is the released user's";

    // Three steps at once are three requests, not one and not more.
    fleet.step();
    fleet.step();
    fleet.step();
    ASSERT_TRUE(waitFor([&] { return h.server.count() >= before + 8; }));
    ASSERT_TRUE(waitFor(quiet));
    EXPECT_EQ(h.server.count(), before + 8);

    fleet.setStepping(false);
    ASSERT_TRUE(waitFor([&] { return h.server.count() > before + 40; })) << "leaving step mode lets requests flow";
    ASSERT_TRUE(h.finish(fleet));
}

TEST(ClientFleet, StepsWaitLongerThanTheRequestTimeoutWithoutFailing)
{
    // A user held between steps keeps its kept-alive connection; the request's deadline starts only
    // when it is released, so a long wait between two steps is no timeout.
    FleetHarness h;
    auto options = h.options({group("web", 3, ClientBehaviour::Login)}, 200);
    options.requestTimeoutSeconds = 0.2;
    ClientFleet fleet(h.io, options);
    fleet.start();
    h.run();
    ASSERT_TRUE(waitFor([&] { return h.server.count() > 10; }));
    fleet.setStepping(true);
    ASSERT_TRUE(h.postedCallsRan());
    ASSERT_TRUE(waitFor([&] { return fleet.stats().pending == 0; }));
    const std::uint64_t failed = fleet.stats().failed;
    const std::size_t before = h.server.count();
    EXPECT_TRUE(staysFalse([&] { return fleet.stats().failed != failed; }, 600ms)) << "a held user timed out";
    fleet.step();
    ASSERT_TRUE(waitFor([&] { return h.server.count() == before + 1 && fleet.stats().pending == 0; }));
    EXPECT_EQ(fleet.stats().failed, failed);
    ASSERT_TRUE(h.finish(fleet));
}

TEST(ClientFleet, SpeedScalesTheArrivalRate)
{
    FleetHarness h;
    ClientFleet fleet(h.io, h.options({group("web", 10)}, 400));
    fleet.start();
    h.run();
    ASSERT_TRUE(h.postedCallsRan());
    EXPECT_DOUBLE_EQ(fleet.stats().arrivalRate, 400.0);
    for (const double speed : {0.5, 0.25, 0.1, 1.0}) {
        fleet.setSpeed(speed);
        ASSERT_TRUE(h.postedCallsRan());
        EXPECT_DOUBLE_EQ(fleet.stats().arrivalRate, 400.0 * speed) << "speed " << speed;
    }
    // The rate and the speed combine whichever comes first.
    fleet.setSpeed(0.25);
    fleet.setRequestRate(80);
    ASSERT_TRUE(h.postedCallsRan());
    EXPECT_DOUBLE_EQ(fleet.stats().arrivalRate, 20.0);
    fleet.setPaused(true);
    ASSERT_TRUE(h.postedCallsRan());
    EXPECT_EQ(fleet.stats().arrivalRate, 0.0);
    fleet.setPaused(false);
    ASSERT_TRUE(h.postedCallsRan());
    EXPECT_DOUBLE_EQ(fleet.stats().arrivalRate, 20.0);

    // And the users really come that much slower: 20 arrivals at 1/10 of 400/s take about 0.5 s (less
    // than 0.2 s once in 100,000 runs); at full speed they would take 0.05 s. A busy machine only slows them.
    fleet.setRequestRate(400);
    fleet.setSpeed(0.1);
    ASSERT_TRUE(h.postedCallsRan());
    ASSERT_TRUE(waitFor([&] { return fleet.stats().pending == 0; })) << "what came at full speed is answered";
    const std::size_t from = h.server.count();
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(waitFor([&] { return h.server.count() >= from + 20; }));
    EXPECT_GT(elapsedSince(start).count(), 0.2) << "20 requests came faster than at 1/10 speed";
    ASSERT_TRUE(h.finish(fleet));
}
