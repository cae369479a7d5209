#include "core/base/query_string.h"

#include <gtest/gtest.h>

using namespace lblab;

namespace {

/// findQueryParam's value as an owned string (the view may point into the scratch).
std::optional<std::string> find(std::string_view target, std::string_view name)
{
    std::string scratch;
    const auto value = findQueryParam(target, name, scratch);
    return value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
}

} // namespace

TEST(QueryString, FindsFirstOccurrence)
{
    EXPECT_EQ(find("/a?sid=abc", "sid"), "abc");
    EXPECT_EQ(find("/a?x=1&sid=abc&y=2", "sid"), "abc");
    EXPECT_EQ(find("/a?sid=1&sid=2", "sid"), "1");
    EXPECT_EQ(find("/a?sid=abc#frag", "sid"), "abc");
}

TEST(QueryString, AbsentEmptyAndOddShapes)
{
    EXPECT_FALSE(find("/a", "sid"));
    EXPECT_FALSE(find("/a?", "sid"));
    EXPECT_FALSE(find("/a?xsid=1&sidx=2", "sid"));
    EXPECT_FALSE(find("/sid=1", "sid"));
    EXPECT_EQ(find("/a?sid", "sid"), "");
    EXPECT_EQ(find("/a?&&sid=&", "sid"), "");
    EXPECT_EQ(find("/a?sid=a=b", "sid"), "a=b");
    EXPECT_FALSE(find("/a?sid=1", ""));
}

TEST(QueryString, DecodesNamesAndValuesByTheOneRule)
{
    EXPECT_EQ(find("/search?x=1&loc=us%2Deast", "loc"), "us-east");
    EXPECT_EQ(find("/search?loc=us+east", "loc"), "us east");
    EXPECT_EQ(find("/search?%6Coc=eu", "loc"), "eu");            // an encoded name matches too
    EXPECT_EQ(find("/a?sid=%zz", "sid"), "%zz");                 // malformed escapes are kept, not dropped
    EXPECT_EQ(find("/a?sid=50%", "sid"), "50%");
    EXPECT_EQ(queryParam("/search?loc=eu%2dwest", "loc"), "eu-west");
    EXPECT_EQ(queryParam("/search", "loc"), std::nullopt);
}

TEST(QueryString, PlainValuesPointIntoTheTargetAndDecodedOnesIntoTheScratch)
{
    const std::string target = "/a?sid=plain&loc=us%2Deast";
    std::string scratch;
    const auto plain = findQueryParam(target, "sid", scratch);
    ASSERT_TRUE(plain);
    EXPECT_GE(plain->data(), target.data());
    EXPECT_LT(plain->data(), target.data() + target.size());
    EXPECT_TRUE(scratch.empty()); // nothing to decode: nothing written
    const auto decoded = findQueryParam(target, "loc", scratch);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->data(), scratch.data());
    EXPECT_EQ(*decoded, "us-east");
}
