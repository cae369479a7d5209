#include "core/policies/backend_rotation.h"
#include "core/policies/policy_test_util.h"

#include <gtest/gtest.h>

using namespace lblab;
using namespace lblab::test;

TEST(BackendRotation, ResumesAfterTheLastPick)
{
    BackendRotation r;
    auto b = makeBackends(5);
    auto even = [&](const BackendInfo& x) { return (&x - b.data()) % 2 == 0; };
    EXPECT_EQ(r.next(b, even), 0);
    EXPECT_EQ(r.next(b, even), 2);
    EXPECT_EQ(r.next(b, even), 4);
    EXPECT_EQ(r.next(b, even), 0);
    // A skipped server does not hand its turn to its neighbour twice.
    b[2].up = false;
    r.seek(0);
    std::vector<int> picks;
    for (int i = 0; i < 8; ++i)
        picks.push_back(r.nextAcceptingNew(b));
    EXPECT_EQ(picks, (std::vector<int>{0, 1, 3, 4, 0, 1, 3, 4}));
}

TEST(BackendRotation, EmptyOrNoneUsable)
{
    BackendRotation r;
    EXPECT_EQ(r.nextAcceptingNew(std::span<const BackendInfo>{}), -1);
    auto b = makeBackends(3);
    EXPECT_EQ(r.next(b, [](const BackendInfo&) { return false; }), -1);
    // A cursor left past the end of a shrunken set still works.
    r.seek(10);
    EXPECT_GE(r.nextAcceptingNew(b), 0);
}
