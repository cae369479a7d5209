#include "core/policies/pin_table.h"
#include "core/policies/policy_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

using namespace lblab;
using namespace lblab::test;

TEST(PinTable, PinFindTouchCountsHitsAndLastUsed)
{
    PinTable t(60, 10);
    t.pin("a", 2, at(1));
    PinEntry* e = t.find("a", at(5));
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

TEST(PinTable, IdleEntriesExpireAfterTtl)
{
    PinTable t(10, 100);
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

TEST(PinTable, ZeroTtlNeverExpires)
{
    PinTable t(0, 10);
    t.pin("k", 1, at(0));
    EXPECT_EQ(t.lookup("k")->expires, TimePoint::max());
    EXPECT_EQ(t.expire(at(1e6)), 0u);
    EXPECT_NE(t.find("k", at(1e6)), nullptr);
}

TEST(PinTable, CapacityEvictsLeastRecentlyUsed)
{
    PinTable t(0, 3);
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

TEST(PinTable, TableIsMostRecentlyUsedFirstAndLimited)
{
    PinTable t(0, 10);
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

TEST(PinTable, RepinReplacesBackendAndResetsHistory)
{
    PinTable t(0, 10);
    t.pin("k", 1, at(1));
    t.touch(*t.find("k", at(2)), at(2));
    t.pin("k", 3, at(5));
    EXPECT_EQ(t.size(), 1u);
    EXPECT_EQ(t.lookup("k")->backend, 3);
    EXPECT_EQ(t.lookup("k")->hits, 0u);
    EXPECT_EQ(t.lookup("k")->created, at(5));
}

TEST(PinTable, AdoptKeepsTimesAndLruOrder)
{
    PinTable source(0, 10);
    source.pin("a", 0, at(1));
    source.pin("b", 1, at(2));
    source.pin("c", 2, at(3));
    source.touch(*source.find("b", at(4)), at(4));
    PinTable t(100, 2);
    for (const auto& row : source.table(10))
        t.adopt(row);
    // Capacity 2: the least recently used ("a") did not fit.
    EXPECT_EQ(t.size(), 2u);
    EXPECT_FALSE(t.lookup("a"));
    EXPECT_EQ(t.lookup("b")->hits, 1u);
    EXPECT_EQ(t.lookup("b")->expires, at(104));
    EXPECT_EQ(t.table(10)[0].key, "b");
}

TEST(PinTable, EraseAndClear)
{
    PinTable t(0, 10);
    t.pin("a", 0, at(1));
    t.pin("b", 0, at(1));
    EXPECT_TRUE(t.erase("a"));
    EXPECT_FALSE(t.erase("a"));
    EXPECT_EQ(t.size(), 1u);
    t.clear();
    EXPECT_EQ(t.size(), 0u);
    EXPECT_TRUE(t.table(5).empty());
}

TEST(PinTable, StaysBoundedUnderAFlood)
{
    PinTable t(0, 1000);
    for (int i = 0; i < 50000; ++i)
        t.pin("client-" + std::to_string(i), i % 4, at(i * 0.001));
    EXPECT_EQ(t.size(), 1000u);
    EXPECT_TRUE(t.lookup("client-49999"));
    EXPECT_FALSE(t.lookup("client-48999"));
    EXPECT_TRUE(t.lookup("client-49000"));
}

// ---- The index and row storage (open addressing, 32-bit links, pages) ----

namespace {

/// The key `prefix`-n for the first n whose hash puts it in home slot 0 of a table of `slots` slots.
std::vector<std::string> keysHomingToSlotZero(std::size_t count, std::size_t slots, const std::string& prefix)
{
    std::vector<std::string> out;
    for (std::size_t n = 0; out.size() < count; ++n) {
        std::string key = prefix + std::to_string(n);
        const auto tag = static_cast<std::uint32_t>(PinTable::hashKey(key) >> 32);
        if ((std::uint64_t{tag} * slots) >> 32 == 0)
            out.push_back(std::move(key));
    }
    return out;
}

} // namespace

TEST(PinTableIndex, ManyKeysInOneProbeRunSurviveErasesFromTheMiddle)
{
    // Capacity 40: the index ends at 52 slots, and all 40 keys want slot 0, so they form one run.
    PinTable t(0, 40);
    t.pin("probe", 0, at(0));
    const std::size_t slots = t.indexSlots();
    ASSERT_EQ(slots, 52u);
    t.clear();
    // clear() drops the index too; fill to the same size so the homes computed above hold.
    const auto keys = keysHomingToSlotZero(40, slots, "c");
    for (std::size_t i = 0; i < keys.size(); ++i)
        t.pin(keys[i], static_cast<int>(i), at(1));
    ASSERT_EQ(t.indexSlots(), slots);
    ASSERT_EQ(t.size(), 40u);
    for (std::size_t i = 0; i < keys.size(); ++i)
        ASSERT_EQ(t.lookup(keys[i])->backend, static_cast<int>(i)) << keys[i];
    // Erase every third key: the others must still be found (backward shift kept the run intact).
    for (std::size_t i = 0; i < keys.size(); i += 3)
        EXPECT_TRUE(t.erase(keys[i]));
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (i % 3 == 0)
            EXPECT_FALSE(t.contains(keys[i])) << keys[i];
        else
            EXPECT_EQ(t.lookup(keys[i])->backend, static_cast<int>(i)) << keys[i];
    }
    EXPECT_EQ(t.size(), 26u);
}

TEST(PinTableIndex, KeysSharingTheWholeTagStayApart)
{
    // Two different keys whose 32-bit tags are equal (found by brute force) are still two rows.
    std::unordered_map<std::uint32_t, std::string> seen;
    std::string a, b;
    for (int n = 0; a.empty() && n < 2'000'000; ++n) {
        std::string key = "k" + std::to_string(n);
        const auto tag = static_cast<std::uint32_t>(PinTable::hashKey(key) >> 32);
        auto [it, fresh] = seen.emplace(tag, key);
        if (!fresh) {
            a = it->second;
            b = key;
        }
    }
    ASSERT_FALSE(a.empty());
    PinTable t(0, 10);
    t.pin(a, 1, at(1));
    t.pin(b, 2, at(2));
    EXPECT_EQ(t.size(), 2u);
    EXPECT_EQ(t.find(a, at(3))->backend, 1);
    EXPECT_EQ(t.find(b, at(3))->backend, 2);
    EXPECT_TRUE(t.erase(a));
    EXPECT_EQ(t.find(a, at(4)), nullptr);
    EXPECT_EQ(t.find(b, at(4))->backend, 2);
}

TEST(PinTableIndex, EvictsAtTheBoundAndIndexStopsGrowing)
{
    PinTable t(0, 1000);
    for (int i = 0; i < 5000; ++i)
        t.pin("client-" + std::to_string(i), i % 4, at(i));
    EXPECT_EQ(t.size(), 1000u);
    EXPECT_EQ(t.evictions(), 4000u);
    EXPECT_LE(t.indexSlots(), 1000u + 1000u / 4 + 2);
    for (int i = 0; i < 4000; ++i)
        ASSERT_FALSE(t.contains("client-" + std::to_string(i)));
    for (int i = 4000; i < 5000; ++i)
        ASSERT_EQ(t.lookup("client-" + std::to_string(i))->backend, i % 4);
    // Oldest first: the next insert evicts client-4000.
    t.pin("new", 0, at(6000));
    EXPECT_FALSE(t.contains("client-4000"));
    EXPECT_TRUE(t.contains("client-4001"));
}

TEST(PinTableIndex, TtlExpiryRemovesOnlyTheIdleRunAndFindDropsExpired)
{
    PinTable t(100, 100);
    for (int i = 0; i < 50; ++i)
        t.pin("k" + std::to_string(i), 0, at(i));
    // Keep k0..k9 alive by using them at t=80.
    for (int i = 0; i < 10; ++i)
        t.touch(*t.find("k" + std::to_string(i), at(80)), at(80));
    EXPECT_EQ(t.expire(at(120)), 11u); // k10..k20: idle for >= 100 s
    EXPECT_EQ(t.size(), 39u);
    EXPECT_TRUE(t.contains("k21"));
    EXPECT_TRUE(t.contains("k5"));
    EXPECT_EQ(t.find("k21", at(121)), nullptr); // expired at 121, removed by find
    EXPECT_FALSE(t.contains("k21"));
    EXPECT_EQ(t.size(), 38u);
}

TEST(PinTableIndex, EntryPointersStayValidWhileTheTableGrows)
{
    PinTable t(0, 100000);
    PinEntry& first = t.pin("first", 7, at(1));
    for (int i = 0; i < 20000; ++i)
        t.pin("other-" + std::to_string(i), 1, at(2));
    EXPECT_EQ(first.key, "first");
    EXPECT_EQ(first.backend, 7);
    t.touch(first, at(3)); // not the row handed out last: found through the index
    EXPECT_EQ(t.table(1)[0].key, "first");
    EXPECT_EQ(t.lookup("first")->hits, 1u);
}

TEST(PinTableIndex, LongKeysAndReuseOfFreedRows)
{
    PinTable t(0, 4);
    const std::string longKey(120, 'x');
    t.pin(longKey, 1, at(1));
    EXPECT_EQ(t.lookup(longKey)->key, longKey);
    for (int round = 0; round < 100; ++round) {
        const std::string key = std::string(40, 'a') + std::to_string(round);
        t.pin(key, round % 3, at(2 + round));
        EXPECT_EQ(t.lookup(key)->backend, round % 3);
    }
    EXPECT_EQ(t.size(), 4u);
    EXPECT_FALSE(t.contains(longKey));
}

TEST(PinTableIndex, MatchesASimpleModelUnderRandomOperations)
{
    // A straightforward model (a vector ordered most recently used first) against the table,
    // through pins, finds, touches, erases, adopts and expiry, with a small bound so eviction is constant.
    std::mt19937 rng(7);
    PinTable t(20, 50);
    std::vector<PinEntry> model;
    auto modelFind = [&](const std::string& key) {
        return std::find_if(model.begin(), model.end(), [&](const PinEntry& e) { return e.key == key; });
    };
    double now = 0;
    for (int step = 0; step < 20000; ++step) {
        now += std::uniform_real_distribution<double>(0, 0.5)(rng);
        const std::string key = "k" + std::to_string(std::uniform_int_distribution<int>(0, 120)(rng));
        const int op = std::uniform_int_distribution<int>(0, 9)(rng);
        if (op < 4) {
            const int backend = step % 5;
            t.pin(key, backend, at(now));
            if (auto it = modelFind(key); it != model.end())
                model.erase(it);
            model.insert(model.begin(), PinEntry{key, backend, at(now), at(now), 0, at(now + 20)});
            if (model.size() > 50)
                model.pop_back();
        } else if (op < 8) {
            PinEntry* e = t.find(key, at(now));
            auto it = modelFind(key);
            if (it != model.end() && it->expires <= at(now)) {
                model.erase(it);
                it = model.end();
            }
            ASSERT_EQ(e != nullptr, it != model.end()) << "step " << step;
            if (e) {
                t.touch(*e, at(now));
                PinEntry row = *it;
                ++row.hits;
                row.lastUsed = at(now);
                row.expires = at(now + 20);
                model.erase(it);
                model.insert(model.begin(), row);
            }
        } else if (op == 8) {
            const bool erased = t.erase(key);
            auto it = modelFind(key);
            ASSERT_EQ(erased, it != model.end());
            if (it != model.end())
                model.erase(it);
        } else {
            const std::size_t expired = t.expire(at(now));
            std::size_t modelExpired = 0;
            while (!model.empty() && model.back().expires <= at(now)) {
                model.pop_back();
                ++modelExpired;
            }
            ASSERT_EQ(expired, modelExpired);
        }
        ASSERT_EQ(t.size(), model.size()) << "step " << step;
    }
    const auto rows = t.table(1000);
    ASSERT_EQ(rows.size(), model.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i].key, model[i].key);
        EXPECT_EQ(rows[i].backend, model[i].backend);
        EXPECT_EQ(rows[i].hits, model[i].hits);
        EXPECT_EQ(rows[i].lastUsed, model[i].lastUsed);
        EXPECT_EQ(rows[i].expires, model[i].expires);
    }
    // Adopting the rows into a smaller table keeps the newest, in order.
    PinTable copy(20, 10);
    for (const auto& row : rows)
        copy.adopt(row);
    const auto adopted = copy.table(100);
    ASSERT_EQ(adopted.size(), std::min<std::size_t>(10, rows.size()));
    for (std::size_t i = 0; i < adopted.size(); ++i)
        EXPECT_EQ(adopted[i].key, rows[i].key);
}
