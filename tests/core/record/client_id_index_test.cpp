#include "core/record/client_id_index.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lblab {
namespace {

struct Records {
    std::vector<std::string> ids;
    auto idOf() const
    {
        return [this](std::uint32_t n) -> const std::string& { return ids.at(n); };
    }
};

TEST(ClientIdIndexTest, AnEmptyIndexFindsNothing)
{
    ClientIdIndex index;
    Records r;
    EXPECT_EQ(index.find("c1", r.idOf()), ClientIdIndex::kNone);
    EXPECT_EQ(index.size(), 0u);
}

TEST(ClientIdIndexTest, EveryRecordIsFoundAfterTheTableGrewManyTimes)
{
    ClientIdIndex index;
    Records r;
    for (std::uint32_t i = 0; i < 5000; ++i) {
        r.ids.push_back(i % 2 ? "c" + std::to_string(i) : "ext-127.1." + std::to_string(i / 250) + "." + std::to_string(i % 250));
        index.insert(r.ids.back(), i, r.idOf());
    }
    EXPECT_EQ(index.size(), 5000u);
    for (std::uint32_t i = 0; i < 5000; ++i)
        ASSERT_EQ(index.find(r.ids[i], r.idOf()), i) << r.ids[i];
    EXPECT_EQ(index.find("c5001", r.idOf()), ClientIdIndex::kNone);
    EXPECT_EQ(index.find("", r.idOf()), ClientIdIndex::kNone);
    EXPECT_EQ(index.find("ext-127.1.0.", r.idOf()), ClientIdIndex::kNone) << "a prefix is another id";
}

TEST(ClientIdIndexTest, ClearForgetsEverythingAndTheIndexFillsAgain)
{
    ClientIdIndex index;
    Records r{{"a", "b", "c"}};
    for (std::uint32_t i = 0; i < 3; ++i)
        index.insert(r.ids[i], i, r.idOf());
    index.clear();
    EXPECT_EQ(index.size(), 0u);
    EXPECT_EQ(index.find("b", r.idOf()), ClientIdIndex::kNone);
    index.insert("b", 1, r.idOf());
    EXPECT_EQ(index.find("b", r.idOf()), 1u);
    EXPECT_EQ(index.find("a", r.idOf()), ClientIdIndex::kNone);
}

} // namespace
} // namespace lblab
