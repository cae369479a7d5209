#include "core/base/text.h"

#include <gtest/gtest.h>

using namespace lblab;

TEST(Text, TrimOwsTakesOnlySpacesAndTabs)
{
    EXPECT_EQ(trimOws(" \tvalue \t"), "value");
    EXPECT_EQ(trimOws("a b"), "a b");
    EXPECT_EQ(trimOws("   "), "");
    EXPECT_EQ(trimOws("\rx\n"), "\rx\n"); // CR and LF are not optional whitespace
}

TEST(Text, IequalsIsAsciiCaseInsensitive)
{
    EXPECT_TRUE(iequals("Max-Age", "max-age"));
    EXPECT_FALSE(iequals("Max-Age", "max-ag"));
    EXPECT_FALSE(iequals("\xC4", "\xE4")); // no locale: bytes above ASCII compare as they are
}

TEST(Text, PercentDecodeKeepsMalformedEscapes)
{
    EXPECT_EQ(percentDecode("us%2Deast"), "us-east");
    EXPECT_EQ(percentDecode("a+b"), "a b");
    EXPECT_EQ(percentDecode("%41%62"), "Ab");
    EXPECT_EQ(percentDecode("%zz%"), "%zz%");
    EXPECT_EQ(percentDecode("%4"), "%4");
    EXPECT_FALSE(needsPercentDecoding("s1-abc"));
    EXPECT_TRUE(needsPercentDecoding("a+b"));
}

TEST(Text, PercentEncodeRoundTripsAnyBytes)
{
    EXPECT_EQ(percentEncode("eu-west_1.~"), "eu-west_1.~");
    EXPECT_EQ(percentEncode("us east/+"), "us%20east%2F%2B");
    std::string every;
    for (int c = 0; c < 256; ++c)
        every += static_cast<char>(c);
    EXPECT_EQ(percentDecode(percentEncode(every)), every);
}
