#include "core/policies/session_table.h"
#include "core/policies/policy_test_util.h"

#include <gtest/gtest.h>

#include <string>

using namespace lblab;
using namespace lblab::test;

TEST(SessionTable, PinFindTouchCountsHitsAndLastUsed)
{
    SessionTable t(60, 10);
    t.pin("a", 2, at(1));
    SessionEntry* e = t.find("a", at(5));
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->backend, 2);
    EXPECT_EQ(e->hits, 0u);
    t.touch(*e, at(5));
    t.touch(*e, at(7));
    auto row = t.lookup("a");
    ASSERT_TRUE(row);
    EXPECT_EQ(row->hits, 2u);
    EXPECT_EQ(row->created, at(1));
    EXPECT_EQ(row->lastUsed, at(7));
    EXPECT_EQ(row->expires, at(67));
    EXPECT_EQ(t.find("missing", at(7)), nullptr);
}

TEST(SessionTable, IdleEntriesExpireAfterTtl)
{
    SessionTable t(10, 100);
    t.pin("old", 0, at(0));
    t.pin("young", 1, at(5));
    t.pin("used", 2, at(0));
    t.touch(*t.find("used", at(8)), at(8));
    EXPECT_EQ(t.expire(at(9.99)), 0u);
    EXPECT_EQ(t.expire(at(10)), 1u); // "old": idle for exactly the TTL
    EXPECT_FALSE(t.lookup("old"));
    EXPECT_EQ(t.size(), 2u);
    EXPECT_EQ(t.expire(at(15)), 1u);
    EXPECT_FALSE(t.lookup("young"));
    EXPECT_TRUE(t.lookup("used"));
    // find() never returns an expired row even before expire() runs.
    EXPECT_EQ(t.find("used", at(18)), nullptr);
    EXPECT_EQ(t.size(), 0u);
}

TEST(SessionTable, ZeroTtlNeverExpires)
{
    SessionTable t(0, 10);
    t.pin("k", 1, at(0));
    EXPECT_EQ(t.lookup("k")->expires, TimePoint::max());
    EXPECT_EQ(t.expire(at(1e6)), 0u);
    EXPECT_NE(t.find("k", at(1e6)), nullptr);
}

TEST(SessionTable, CapacityEvictsLeastRecentlyUsed)
{
    SessionTable t(0, 3);
    t.pin("a", 0, at(1));
    t.pin("b", 1, at(2));
    t.pin("c", 2, at(3));
    t.touch(*t.find("a", at(4)), at(4)); // a is now the most recently used; b the least
    t.pin("d", 0, at(5));
    EXPECT_EQ(t.size(), 3u);
    EXPECT_FALSE(t.lookup("b"));
    EXPECT_TRUE(t.lookup("a"));
    EXPECT_TRUE(t.lookup("c"));
    EXPECT_TRUE(t.lookup("d"));
    EXPECT_EQ(t.evictions(), 1u);
    t.pin("e", 0, at(6));
    EXPECT_FALSE(t.lookup("c"));
    EXPECT_EQ(t.evictions(), 2u);
}

TEST(SessionTable, TableIsMostRecentlyUsedFirstAndLimited)
{
    SessionTable t(0, 10);
    t.pin("a", 0, at(1));
    t.pin("b", 1, at(2));
    t.pin("c", 2, at(3));
    t.touch(*t.find("a", at(4)), at(4));
    auto rows = t.table(10);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].key, "a");
    EXPECT_EQ(rows[1].key, "c");
    EXPECT_EQ(rows[2].key, "b");
    EXPECT_EQ(t.table(2).size(), 2u);
    EXPECT_TRUE(t.table(0).empty());
}

TEST(SessionTable, RepinReplacesBackendAndResetsHistory)
{
    SessionTable t(0, 10);
    t.pin("k", 1, at(1));
    t.touch(*t.find("k", at(2)), at(2));
    t.pin("k", 3, at(5));
    EXPECT_EQ(t.size(), 1u);
    EXPECT_EQ(t.lookup("k")->backend, 3);
    EXPECT_EQ(t.lookup("k")->hits, 0u);
    EXPECT_EQ(t.lookup("k")->created, at(5));
}

TEST(SessionTable, AdoptKeepsTimesAndLruOrder)
{
    SessionTable source(0, 10);
    source.pin("a", 0, at(1));
    source.pin("b", 1, at(2));
    source.pin("c", 2, at(3));
    source.touch(*source.find("b", at(4)), at(4));
    SessionTable t(100, 2);
    for (const auto& row : source.table(10))
        t.adopt(row);
    // Capacity 2: the least recently used ("a") did not fit.
    EXPECT_EQ(t.size(), 2u);
    EXPECT_FALSE(t.lookup("a"));
    EXPECT_EQ(t.lookup("b")->hits, 1u);
    EXPECT_EQ(t.lookup("b")->expires, at(104));
    EXPECT_EQ(t.table(10)[0].key, "b");
}

TEST(SessionTable, EraseAndClear)
{
    SessionTable t(0, 10);
    t.pin("a", 0, at(1));
    t.pin("b", 0, at(1));
    EXPECT_TRUE(t.erase("a"));
    EXPECT_FALSE(t.erase("a"));
    EXPECT_EQ(t.size(), 1u);
    t.clear();
    EXPECT_EQ(t.size(), 0u);
    EXPECT_TRUE(t.table(5).empty());
}

TEST(SessionTable, StaysBoundedUnderAFlood)
{
    SessionTable t(0, 1000);
    for (int i = 0; i < 50000; ++i)
        t.pin("client-" + std::to_string(i), i % 4, at(i * 0.001));
    EXPECT_EQ(t.size(), 1000u);
    EXPECT_TRUE(t.lookup("client-49999"));
    EXPECT_FALSE(t.lookup("client-48999"));
    EXPECT_TRUE(t.lookup("client-49000"));
}
