// ChunkedDecoder without sockets: whole bodies, byte-by-byte arrival, and every fault it reports.

#include "core/http/chunked_decoder.h"

#include <gtest/gtest.h>

#include <string>

namespace lblab {
namespace {

ChunkedDecoder::Result decodeAll(const std::string& in, std::string& out, std::size_t& used, std::size_t limit = 1024)
{
    ChunkedDecoder d;
    d.reset(limit);
    out.clear();
    return d.feed(in, out, used);
}

TEST(ChunkedDecoderTest, DecodesAndLeavesTheNextMessage)
{
    std::string out;
    std::size_t used = 0;
    const std::string body = "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
    EXPECT_EQ(decodeAll(body + "GET /next", out, used), ChunkedDecoder::Result::Done);
    EXPECT_EQ(out, "hello world");
    EXPECT_EQ(used, body.size());
}

TEST(ChunkedDecoderTest, ByteByByteGivesTheSameBody)
{
    const std::string body = "A\r\n0123456789\r\n1\r\n!\r\n0\r\n\r\n";
    ChunkedDecoder d;
    d.reset(1024);
    std::string out;
    std::string pending;
    ChunkedDecoder::Result r = ChunkedDecoder::Result::NeedMore;
    for (char ch : body) {
        pending += ch;
        std::size_t used = 0;
        r = d.feed(pending, out, used);
        pending.erase(0, used);
        ASSERT_NE(r, ChunkedDecoder::Result::Bad) << d.error();
    }
    EXPECT_EQ(r, ChunkedDecoder::Result::Done);
    EXPECT_EQ(out, "0123456789!");
    EXPECT_TRUE(pending.empty());
}

TEST(ChunkedDecoderTest, Faults)
{
    std::string out;
    std::size_t used = 0;
    EXPECT_EQ(decodeAll("zz\r\nhello\r\n0\r\n\r\n", out, used), ChunkedDecoder::Result::Bad);
    EXPECT_EQ(decodeAll("fffffffffffffffffffff1\r\nhello\r\n0\r\n\r\n", out, used), ChunkedDecoder::Result::Bad);
    EXPECT_EQ(decodeAll("5x\r\nhello\r\n0\r\n\r\n", out, used), ChunkedDecoder::Result::Bad);
    EXPECT_EQ(decodeAll("5\r\nhelloXX0\r\n\r\n", out, used), ChunkedDecoder::Result::Bad);
    EXPECT_EQ(decodeAll("\r\nhello\r\n", out, used), ChunkedDecoder::Result::Bad);
    EXPECT_EQ(decodeAll("0\r\nno colon\r\n\r\n", out, used), ChunkedDecoder::Result::Bad);
    EXPECT_EQ(decodeAll(std::string(5000, '1'), out, used), ChunkedDecoder::Result::Bad) << "endless size line";
    EXPECT_EQ(decodeAll("0\r\n" + std::string(20000, 'x'), out, used), ChunkedDecoder::Result::Bad) << "endless trailer";
    EXPECT_EQ(decodeAll("7d0\r\n" + std::string(2000, 'b') + "\r\n0\r\n\r\n", out, used),
              ChunkedDecoder::Result::TooLarge);
    EXPECT_EQ(decodeAll("200\r\n" + std::string(512, 'b') + "\r\n200\r\n" + std::string(512, 'b') + "\r\n1\r\nc\r\n",
                        out, used),
              ChunkedDecoder::Result::TooLarge)
        << "the limit is on the sum of the chunks";
    // Truncated: waits for more instead of guessing.
    EXPECT_EQ(decodeAll("5\r\nhel", out, used), ChunkedDecoder::Result::NeedMore);
    EXPECT_EQ(out, "hel");
}

} // namespace
} // namespace lblab
