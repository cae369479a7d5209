#include "core/policies/url_hash.h"
#include "core/policies/policy_test_util.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

using namespace lblab;
using namespace lblab::test;

TEST(UrlHash, SameUrlSameServerWhateverTheClient)
{
    UrlHashPolicy p;
    auto b = makeBackends(4);
    Decision first = p.choose(makeRequest(clientIp(0), "/item/17?x=1"), b);
    EXPECT_EQ(first.kind, DecisionKind::Hash);
    EXPECT_EQ(first.key, "/item/17?x=1");
    for (std::uint32_t i = 1; i < 100; ++i)
        EXPECT_EQ(p.choose(makeRequest(clientIp(i), "/item/17?x=1"), b).backend, first.backend);
}

TEST(UrlHash, QueryIsPartOfTheKeyAndUrlsSpread)
{
    UrlHashPolicy p;
    auto b = makeBackends(4);
    std::vector<int> counts(4);
    std::set<int> forQueries;
    for (int i = 0; i < 8000; ++i) {
        const std::string url = "/item/" + std::to_string(i);
        ++counts[static_cast<std::size_t>(p.choose(makeRequest(clientIp(0), url), b).backend)];
    }
    for (int i = 0; i < 40; ++i) {
        const std::string url = "/item/1?page=" + std::to_string(i);
        forQueries.insert(p.choose(makeRequest(clientIp(0), url), b).backend);
    }
    for (int c : counts)
        EXPECT_NEAR(c, 2000, 200);
    EXPECT_GT(forQueries.size(), 1u);
}

TEST(UrlHash, NoBackendWhenAllDown)
{
    UrlHashPolicy p;
    auto b = makeBackends(2);
    b[0].up = false;
    b[1].weight = 0;
    EXPECT_EQ(p.choose(makeRequest(clientIp(0), "/"), b).kind, DecisionKind::NoBackend);
}
