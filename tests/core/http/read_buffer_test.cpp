// ReadBuffer: compaction instead of growth, erase in the middle, and giving storage back.

#include "core/http/read_buffer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace lblab {
namespace {

void put(ReadBuffer& b, const std::string& text)
{
    auto span = b.prepare(text.size());
    ASSERT_GE(span.size(), text.size());
    std::memcpy(span.data(), text.data(), text.size());
    b.commit(text.size());
}

TEST(ReadBufferTest, CompactsBeforeGrowing)
{
    ReadBuffer b(16);
    put(b, "0123456789");
    b.consume(8);
    EXPECT_EQ(b.data(), "89");
    put(b, "abcdefghijkl"); // fits once the consumed front is reused
    EXPECT_EQ(b.capacity(), 16u);
    EXPECT_EQ(b.data(), "89abcdefghijkl");
    put(b, "more than fits");
    EXPECT_GT(b.capacity(), 16u);
    EXPECT_EQ(b.data(), "89abcdefghijklmore than fits");
}

TEST(ReadBufferTest, EraseConsumeAndShrink)
{
    ReadBuffer b(8);
    put(b, "HEAD|5\r\nhello\r\n|NEXT");
    b.erase(5, 10); // the framing and data the decoder consumed
    EXPECT_EQ(b.data(), "HEAD||NEXT");
    b.erase(100, 3); // past the end: nothing
    EXPECT_EQ(b.data(), "HEAD||NEXT");
    b.consume(6);
    EXPECT_EQ(b.data(), "NEXT");
    put(b, std::string(1000, 'x'));
    b.consume(1000);
    b.shrink(64);
    EXPECT_EQ(b.capacity(), 64u);
    EXPECT_EQ(b.data(), std::string(4, 'x'));
    b.consume(100);
    EXPECT_EQ(b.size(), 0u);
}

} // namespace
} // namespace lblab
