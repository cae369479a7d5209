// MessageHead without sockets: request and response heads parsed into views, framing, faults.

#include "core/http/message_head.h"
#include "core/http/request_validator.h"

#include <gtest/gtest.h>

#include <string>

namespace lblab {
namespace {

TEST(MessageHeadTest, ParsesARequestIntoViews)
{
    const std::string block = "POST /login?x=1 HTTP/1.1\r\nHost: lab\r\nX-A:\t spaced value \t\r\n"
                              "Content-Length: 5\r\nConnection: keep-alive, Upgrade\r\n\r\n";
    MessageHead h;
    ASSERT_TRUE(h.parseRequest(block));
    EXPECT_EQ(h.method, "POST");
    EXPECT_EQ(h.target, "/login?x=1");
    EXPECT_EQ(h.version, 11u);
    ASSERT_EQ(h.fields.size(), 4u);
    EXPECT_EQ(h.fields[1].name, "X-A");
    EXPECT_EQ(h.fields[1].value, "spaced value");
    EXPECT_EQ(h.find("host"), "lab");
    EXPECT_EQ(h.find("X-Missing"), "");
    EXPECT_EQ(h.contentLengthFields, 1u);
    EXPECT_EQ(h.contentLength, 5u);
    EXPECT_TRUE(h.keepAlive());
    // Views point into the block: nothing was copied.
    EXPECT_GE(h.target.data(), block.data());
    EXPECT_LT(h.target.data(), block.data() + block.size());
}

TEST(MessageHeadTest, KeepAliveFollowsVersionAndConnection)
{
    MessageHead h;
    ASSERT_TRUE(h.parseRequest("GET / HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n"));
    EXPECT_FALSE(h.keepAlive());
    ASSERT_TRUE(h.parseRequest("GET / HTTP/1.0\r\n\r\n"));
    EXPECT_EQ(h.version, 10u);
    EXPECT_FALSE(h.keepAlive());
    ASSERT_TRUE(h.parseRequest("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    EXPECT_TRUE(h.keepAlive());
    // parse() clears the previous message's state.
    ASSERT_TRUE(h.parseRequest("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_TRUE(h.keepAlive());
    EXPECT_EQ(h.fields.size(), 1u);
}

TEST(MessageHeadTest, RefusesMalformedRequestLines)
{
    MessageHead h;
    EXPECT_FALSE(h.parseRequest("THIS IS NOT HTTP\r\n\r\n"));
    EXPECT_FALSE(h.parseRequest("GET /\r\n\r\n"));
    EXPECT_FALSE(h.parseRequest("GET  / HTTP/1.1\r\n\r\n"));
    EXPECT_FALSE(h.parseRequest("G(T / HTTP/1.1\r\n\r\n"));
    EXPECT_FALSE(h.parseRequest("GET / HTTP/x.1\r\n\r\n"));
    EXPECT_FALSE(h.parseRequest("GET / HTTP/1.1"));
}

TEST(MessageHeadTest, FieldRulesMatchTheBeastOverload)
{
    auto status = [](const std::string& fields, const char* version = "HTTP/1.1") {
        // The head holds views into the text: the text must outlive the check.
        const std::string text = std::string("POST / ") + version + "\r\n" + fields + "\r\n";
        MessageHead h;
        EXPECT_TRUE(h.parseRequest(text));
        return RequestValidator::checkFields(h).status;
    };
    EXPECT_EQ(status("Host: x\r\n"), 0u);
    EXPECT_EQ(status("Host: x\r\nContent-Length: 12\r\n"), 0u);
    EXPECT_EQ(status("Host: x\r\nTransfer-Encoding: chunked\r\n"), 0u);
    EXPECT_EQ(status("", "HTTP/1.0"), 0u);
    EXPECT_EQ(status(""), 400u);
    EXPECT_EQ(status("Host: a\r\nHost: b\r\n"), 400u);
    EXPECT_EQ(status("Host: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n"), 400u);
    EXPECT_EQ(status("Host: x\r\nContent-Length: 5, 5\r\n"), 400u);
    EXPECT_EQ(status("Host: x\r\nContent-Length: +5\r\n"), 400u);
    EXPECT_EQ(status("Host: x\r\nContent-Length: 1234567890123456789\r\n"), 400u);
    EXPECT_EQ(status("Host: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n"), 400u);
    EXPECT_EQ(status("Host: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"), 400u);
    for (const char* te : {"gzip", "Chunked", "chunked, chunked", "gzip, chunked", "xchunked", ""})
        EXPECT_EQ(status(std::string("Host: x\r\nTransfer-Encoding: ") + te + "\r\n"), 400u) << te;
}

TEST(MessageHeadTest, ParsesResponsesAndTheirFraming)
{
    MessageHead h;
    ASSERT_TRUE(h.parseResponse("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n"));
    EXPECT_EQ(h.status, 200u);
    EXPECT_EQ(h.reason, "OK");
    EXPECT_EQ(h.contentLength, 3u);
    EXPECT_TRUE(h.contentLengthValid);
    EXPECT_EQ(h.fields.size(), 3u);
    ASSERT_TRUE(h.parseResponse("HTTP/1.1 404\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"));
    EXPECT_EQ(h.status, 404u);
    EXPECT_EQ(h.reason, "");
    EXPECT_TRUE(h.chunked);
    ASSERT_TRUE(h.parseResponse("HTTP/1.0 200 Fine\r\n\r\n"));
    EXPECT_FALSE(h.keepAlive());
    // Two different lengths: the framing is ambiguous.
    ASSERT_TRUE(h.parseResponse("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n"));
    EXPECT_FALSE(h.contentLengthValid);
    ASSERT_TRUE(h.parseResponse("HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n"));
    EXPECT_FALSE(h.contentLengthValid);
}

TEST(MessageHeadTest, RefusesMalformedResponses)
{
    MessageHead h;
    EXPECT_FALSE(h.parseResponse("SPAM SPAM SPAM\r\nnot: http\r\n\r\n"));
    EXPECT_FALSE(h.parseResponse("HTTP/1.1 2x0 OK\r\n\r\n"));
    EXPECT_FALSE(h.parseResponse("HTTP/1.1 099 Low\r\n\r\n"));
    EXPECT_FALSE(h.parseResponse("HTTP/1.1 200OK\r\n\r\n"));
    EXPECT_FALSE(h.parseResponse("HTTP/1.1 200 OK\r\nBad Name: v\r\n\r\n"));
    EXPECT_FALSE(h.parseResponse("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n"));
    EXPECT_FALSE(h.parseResponse("HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n"));
    EXPECT_FALSE(h.parseResponse("HTTP/1.1 200 OK\r\nX: a\r\n")); // truncated
    std::string many = "HTTP/1.1 200 OK\r\n";
    for (std::size_t i = 0; i <= MessageHead::kMaxFields; ++i)
        many += "X-" + std::to_string(i) + ": v\r\n";
    EXPECT_FALSE(h.parseResponse(many + "\r\n"));
}

TEST(MessageHeadTest, RebaseFollowsAMovedBuffer)
{
    std::string a = "GET /moved HTTP/1.1\r\nHost: here\r\n\r\n";
    MessageHead h;
    ASSERT_TRUE(h.parseRequest(a));
    const std::string b = a;
    h.rebase(a.data(), b.data());
    a.assign(a.size(), 'x'); // the old bytes are gone; the views must not look there
    EXPECT_EQ(h.target, "/moved");
    EXPECT_EQ(h.find("Host"), "here");
}

TEST(MessageHeadTest, TokenHelpers)
{
    EXPECT_TRUE(iequals("Content-Length", "content-length"));
    EXPECT_FALSE(iequals("Content-Length", "Content-Lengt"));
    EXPECT_TRUE(listHasToken("keep-alive, Close", "close"));
    EXPECT_FALSE(listHasToken("closed", "close"));
    EXPECT_FALSE(listHasToken("", "close"));
}

} // namespace
} // namespace lblab
