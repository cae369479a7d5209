#include "core/policies/geo.h"
#include "core/policies/policy_test_util.h"

#include <gtest/gtest.h>

using namespace lblab;
using namespace lblab::test;

namespace {

std::vector<BackendInfo> world()
{
    auto b = makeBackends(5);
    b[0].region = "eu";
    b[1].region = "us";
    b[2].region = "eu";
    b[3].region = "asia";
    b[4].region = "us";
    return b;
}

RequestView withRegion(std::string_view header, std::string_view target = "/")
{
    RequestView r = makeRequest(clientIp(0), target);
    r.regionHeader = header;
    return r;
}

} // namespace

TEST(Geo, HeaderRegionRotatesWithinTheRegion)
{
    GeoPolicy p;
    auto b = world();
    std::vector<int> picks;
    for (int i = 0; i < 4; ++i) {
        Decision d = p.choose(withRegion("eu"), b);
        EXPECT_EQ(d.kind, DecisionKind::Geo);
        EXPECT_EQ(d.key, "eu");
        picks.push_back(d.backend);
    }
    EXPECT_EQ(picks, (std::vector<int>{0, 2, 0, 2}));
    // Another region's rotation is independent of eu's.
    EXPECT_EQ(p.choose(withRegion("US"), b).backend, 1);
    EXPECT_EQ(p.choose(withRegion("us"), b).backend, 4);
}

TEST(Geo, QueryParametersLocThenRegion)
{
    GeoPolicy p;
    auto b = world();
    EXPECT_EQ(p.choose(withRegion("", "/x?loc=asia"), b).backend, 3);
    EXPECT_EQ(p.choose(withRegion("", "/x?a=1&region=asia"), b).backend, 3);
    // The header wins over the URL.
    EXPECT_EQ(b[static_cast<std::size_t>(p.choose(withRegion("us", "/x?loc=asia"), b).backend)].region, "us");
}

TEST(Geo, FallsBackWhenRegionIsDownOrUnknownOrMissing)
{
    GeoPolicy p;
    auto b = world();
    b[3].up = false;
    Decision d = p.choose(withRegion("asia"), b);
    EXPECT_EQ(d.kind, DecisionKind::GeoFallback);
    EXPECT_NE(d.backend, 3);
    EXPECT_GE(d.backend, 0);
    EXPECT_EQ(p.choose(withRegion("mars"), b).kind, DecisionKind::GeoFallback);
    // No region at all: rotation over every usable server.
    std::vector<int> picks;
    for (int i = 0; i < 4; ++i) {
        Decision f = p.choose(withRegion(""), b);
        EXPECT_EQ(f.kind, DecisionKind::GeoFallback);
        picks.push_back(f.backend);
    }
    for (int s : picks)
        EXPECT_NE(s, 3);
}

TEST(Geo, DrainingRegionalServerIsNotPickedForNewClients)
{
    GeoPolicy p;
    auto b = world();
    b[0].draining = true;
    for (int i = 0; i < 4; ++i)
        EXPECT_EQ(p.choose(withRegion("eu"), b).backend, 2);
}

TEST(Geo, NoBackendWhenAllDown)
{
    GeoPolicy p;
    auto b = world();
    for (auto& x : b)
        x.up = false;
    Decision d = p.choose(withRegion("eu"), b);
    EXPECT_EQ(d.backend, -1);
    EXPECT_EQ(d.kind, DecisionKind::NoBackend);
}

TEST(Geo, ReadsAnEncodedRegionAsTheBackendDoes)
{
    // The fleet percent-encodes ?loc=; the policy decodes it by the same rule as the backend.
    GeoPolicy p;
    auto b = world();
    b[3].region = "south asia";
    const Decision d = p.choose(withRegion("", "/search?loc=south%20asia"), b);
    EXPECT_EQ(d.kind, DecisionKind::Geo);
    EXPECT_EQ(d.backend, 3);
    EXPECT_EQ(d.key, "south asia");
    EXPECT_EQ(p.choose(withRegion("", "/search?loc=south+asia"), b).backend, 3);
}
