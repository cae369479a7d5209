#include "core/base/query_param.h"

#include <gtest/gtest.h>

using namespace lblab;

TEST(QueryParam, FindsFirstOccurrence)
{
    EXPECT_EQ(findQueryParam("/a?sid=abc", "sid"), "abc");
    EXPECT_EQ(findQueryParam("/a?x=1&sid=abc&y=2", "sid"), "abc");
    EXPECT_EQ(findQueryParam("/a?sid=1&sid=2", "sid"), "1");
    EXPECT_EQ(findQueryParam("/a?sid=abc#frag", "sid"), "abc");
}

TEST(QueryParam, AbsentEmptyAndOddShapes)
{
    EXPECT_FALSE(findQueryParam("/a", "sid"));
    EXPECT_FALSE(findQueryParam("/a?", "sid"));
    EXPECT_FALSE(findQueryParam("/a?xsid=1&sidx=2", "sid"));
    EXPECT_FALSE(findQueryParam("/sid=1", "sid"));
    EXPECT_EQ(findQueryParam("/a?sid", "sid"), "");
    EXPECT_EQ(findQueryParam("/a?&&sid=&", "sid"), "");
    EXPECT_EQ(findQueryParam("/a?sid=a=b", "sid"), "a=b");
    EXPECT_FALSE(findQueryParam("/a?sid=1", ""));
}
