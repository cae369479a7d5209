#include "core/policies/stateful_policy.h"
#include "core/policies/policy_catalog.h"
#include "core/policies/policy_test_util.h"

#include <gtest/gtest.h>

using namespace lblab;
using namespace lblab::test;

namespace {

std::vector<PinEntry> rows()
{
    PinEntry a{"abc", 1, at(1), at(5), 3, at(305)};
    PinEntry b{"def", 0, at(2), at(4), 1, at(304)};
    return {a, b};
}

PinHandover adopt(std::string_view to, std::string_view from)
{
    auto p = PolicyCatalog::make(to, PolicyOptions{});
    return p->adoptPins(from, rows());
}

} // namespace

TEST(AdoptPins, SameIdKeepsEveryRow)
{
    for (std::string_view id : {"source-ip-affinity", "cookie-affinity", "session-affinity", "url-param-affinity"}) {
        auto p = PolicyCatalog::make(id, PolicyOptions{});
        EXPECT_EQ(p->adoptPins(id, rows()), PinHandover::Kept) << id;
        EXPECT_EQ(p->tableSize(), 2u) << id;
        auto row = p->lookup("abc");
        ASSERT_TRUE(row) << id;
        EXPECT_EQ(row->backend, 1);
        EXPECT_EQ(row->hits, 3u);
        EXPECT_EQ(row->created, at(1));
        EXPECT_EQ(p->table(10).front().key, "abc");
    }
}

TEST(AdoptPins, SessionAndUrlParamConvertBothWays)
{
    auto url = PolicyCatalog::make("url-param-affinity", PolicyOptions{});
    EXPECT_EQ(url->adoptPins("session-affinity", rows()), PinHandover::Converted);
    EXPECT_EQ(url->tableSize(), 2u);
    // The converted session id now works as a URL parameter.
    auto b = makeBackends(2);
    Decision d = url->choose(makeRequest(clientIp(0), "/a?sid=abc", {}, at(6)), b);
    EXPECT_EQ(d.kind, DecisionKind::Pinned);
    EXPECT_EQ(d.backend, 1);
    EXPECT_EQ(adopt("session-affinity", "url-param-affinity"), PinHandover::Converted);
}

TEST(AdoptPins, EverythingElseIsDropped)
{
    EXPECT_EQ(adopt("cookie-affinity", "source-ip-affinity"), PinHandover::Dropped);
    EXPECT_EQ(adopt("source-ip-affinity", "session-affinity"), PinHandover::Dropped);
    EXPECT_EQ(adopt("session-affinity", "cookie-affinity"), PinHandover::Dropped);
    EXPECT_EQ(adopt("round-robin", "source-ip-affinity"), PinHandover::Dropped);
    EXPECT_EQ(adopt("consistent-hash", "consistent-hash"), PinHandover::Dropped);
    auto p = PolicyCatalog::make("cookie-affinity", PolicyOptions{});
    p->adoptPins("source-ip-affinity", rows());
    EXPECT_EQ(p->tableSize(), 0u);
}

TEST(AdoptPins, AdoptedRowsRespectCapacityAndTtl)
{
    PolicyOptions o;
    o.tableCapacity = 1;
    o.tableTtlSeconds = 10;
    auto p = PolicyCatalog::make("session-affinity", o);
    p->adoptPins("session-affinity", rows());
    EXPECT_EQ(p->tableSize(), 1u);
    EXPECT_TRUE(p->lookup("abc")); // most recently used survives
    p->expire(at(15));
    EXPECT_EQ(p->tableSize(), 0u);
}
