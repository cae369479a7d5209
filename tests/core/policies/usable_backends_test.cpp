#include "core/policies/usable_backends.h"
#include "core/policies/policy_test_util.h"

#include <gtest/gtest.h>

using namespace lblab;
using namespace lblab::test;

TEST(UsableBackends, CountsAndIndexesOnlyThoseAcceptingNew)
{
    auto b = makeBackends(5);
    b[1].up = false;
    b[3].weight = 0;
    EXPECT_EQ(countAcceptingNew(b), 3u);
    EXPECT_EQ(nthAcceptingNew(b, 0), 0);
    EXPECT_EQ(nthAcceptingNew(b, 1), 2);
    EXPECT_EQ(nthAcceptingNew(b, 2), 4);
    EXPECT_EQ(nthAcceptingNew(b, 3), -1);
}

TEST(UsableBackends, ServesPinnedAtChecksRangeAndState)
{
    auto b = makeBackends(3);
    b[0].draining = true;
    b[1].removed = true;
    EXPECT_TRUE(servesPinnedAt(b, 0));
    EXPECT_FALSE(servesPinnedAt(b, 1));
    EXPECT_TRUE(servesPinnedAt(b, 2));
    EXPECT_FALSE(servesPinnedAt(b, -1));
    EXPECT_FALSE(servesPinnedAt(b, 3));
    EXPECT_EQ(findBackendByName(b, "s3"), 2);
    EXPECT_EQ(findBackendByName(b, "s4"), -1);
}
