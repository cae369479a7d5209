#include "core/backend/session_store.h"

#include <gtest/gtest.h>

using namespace std::chrono_literals;

namespace lblab {
namespace {

TEST(SessionStoreTest, CreatedSessionIsFoundAndCountsHits)
{
    SessionStore store(10, 30min);
    const TimePoint t0{};
    store.create("s1-a", t0);
    EXPECT_EQ(store.size(), 1u);
    EXPECT_TRUE(store.touch("s1-a", t0 + 1s));
    EXPECT_FALSE(store.touch("s1-b", t0 + 1s));
    EXPECT_TRUE(store.contains("s1-a"));
}

TEST(SessionStoreTest, FullStoreEvictsLeastRecentlyUsed)
{
    SessionStore store(2, 30min);
    const TimePoint t0{};
    store.create("a", t0);
    store.create("b", t0 + 1s);
    ASSERT_TRUE(store.touch("a", t0 + 2s)); // b is now the least recently used
    store.create("c", t0 + 3s);
    EXPECT_EQ(store.size(), 2u);
    EXPECT_TRUE(store.contains("a"));
    EXPECT_FALSE(store.contains("b"));
    EXPECT_TRUE(store.contains("c"));
    EXPECT_EQ(store.evicted(), 1u);
}

TEST(SessionStoreTest, IdleSessionsExpireButUsedOnesStay)
{
    SessionStore store(10, 30min);
    const TimePoint t0{};
    store.create("idle", t0);
    store.create("busy", t0);
    ASSERT_TRUE(store.touch("busy", t0 + 20min));
    EXPECT_FALSE(store.touch("idle", t0 + 31min)); // idle for 31 minutes: gone
    EXPECT_TRUE(store.touch("busy", t0 + 31min));  // idle for 11 minutes: kept
    EXPECT_EQ(store.size(), 1u);
    EXPECT_EQ(store.expire(t0 + 2h), 1u);
    EXPECT_EQ(store.size(), 0u);
}

TEST(SessionStoreTest, RecreatingAnIdDoesNotDuplicateIt)
{
    SessionStore store(10, 30min);
    store.create("a", TimePoint{});
    store.create("a", TimePoint{} + 1s);
    EXPECT_EQ(store.size(), 1u);
}

TEST(SessionStoreTest, CapacityZeroStillHoldsOne)
{
    SessionStore store(0, 30min);
    store.create("a", TimePoint{});
    store.create("b", TimePoint{});
    EXPECT_EQ(store.size(), 1u);
    EXPECT_TRUE(store.contains("b"));
}

TEST(SessionStoreTest, ClearForgetsEverySession)
{
    SessionStore store(10, 30min);
    const TimePoint t0{};
    store.create("a", t0);
    store.create("b", t0);
    EXPECT_EQ(store.clear(), 2u);
    EXPECT_EQ(store.size(), 0u);
    EXPECT_FALSE(store.touch("a", t0 + 1s));
    store.create("c", t0 + 2s); // usable again afterwards
    EXPECT_TRUE(store.contains("c"));
    EXPECT_EQ(store.evicted(), 0u) << "cleared sessions are not evictions";
}

} // namespace
} // namespace lblab
