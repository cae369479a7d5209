// RequestValidator without sockets: raw header blocks and parsed fields.

#include "core/http/request_validator.h"

#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

namespace lblab {
namespace {

namespace http = boost::beast::http;

unsigned rawStatus(const std::string& block) { return RequestValidator::checkRaw(block).status; }

TEST(RequestValidatorTest, AcceptsOrdinaryBlocks)
{
    EXPECT_EQ(rawStatus("GET / HTTP/1.1\r\nHost: x\r\nX-A:\tb c\t\r\n\r\n"), 0u);
    EXPECT_EQ(rawStatus("GET / HTTP/1.0\r\n\r\n"), 0u);
}

TEST(RequestValidatorTest, RawRules)
{
    EXPECT_EQ(rawStatus("GET / HTTP/1.1\r\nHost: x\r\nA: b\r\n c\r\n\r\n"), 400u);   // obs-fold
    EXPECT_EQ(rawStatus("GET / HTTP/1.1\r\nHost : x\r\n\r\n"), 400u);               // space before colon
    EXPECT_EQ(rawStatus("GET / HTTP/1.1\r\nHost: x\ry\r\n\r\n"), 400u);             // CR in value
    EXPECT_EQ(rawStatus("GET / HTTP/1.1\r\nHost: x\ny\r\n\r\n"), 400u);             // bare LF
    static const char nul[] = "GET / HTTP/1.1\r\nHost: x\0y\r\n\r\n";
    EXPECT_EQ(rawStatus(std::string(nul, sizeof nul - 1)), 400u); // NUL
    EXPECT_EQ(rawStatus("GET / HTTP/1.1\r\nNoColon\r\n\r\n"), 400u);
    EXPECT_EQ(rawStatus("GET / HTTP/1.1\r\n: v\r\n\r\n"), 400u);
    EXPECT_EQ(rawStatus("GET / HTTP/1.1\r\nA(b): v\r\n\r\n"), 400u);
    EXPECT_EQ(rawStatus("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n"), 414u);
    std::string many = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 101; ++i)
        many += "X" + std::to_string(i) + ": v\r\n";
    EXPECT_EQ(rawStatus(many + "\r\n"), 431u);
    EXPECT_EQ(rawStatus("GET / HTTP/1.1\r\nA: " + std::string(17000, 'v') + "\r\n\r\n"), 431u);
}

TEST(RequestValidatorTest, ScanWaitsThenBoundsTheBuffer)
{
    EXPECT_EQ(RequestValidator::scan("GET / HTTP/1.1\r\nHost: x\r\n").state, HeaderScan::State::NeedMore);
    const auto done = RequestValidator::scan("GET / HTTP/1.1\r\nHost: x\r\n\r\nBODY");
    EXPECT_EQ(done.state, HeaderScan::State::Complete);
    EXPECT_EQ(done.size, 27u);
    const auto line = RequestValidator::scan("GET /" + std::string(9000, 'a'));
    EXPECT_EQ(line.state, HeaderScan::State::Rejected);
    EXPECT_EQ(line.verdict.status, 414u);
    const auto block = RequestValidator::scan("GET / HTTP/1.1\r\nA: " + std::string(17000, 'v'));
    EXPECT_EQ(block.state, HeaderScan::State::Rejected);
    EXPECT_EQ(block.verdict.status, 431u);
    // Found across calls even when the terminator straddles the previous scan's end.
    const std::string split = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    EXPECT_EQ(RequestValidator::scan(split, split.size() - 2).state, HeaderScan::State::Complete);
    EXPECT_EQ(RequestValidator::leadingEmptyLines("\r\n\r\nGET"), 4u);
}

unsigned fieldStatus(std::initializer_list<std::pair<const char*, const char*>> fields, unsigned version = 11)
{
    http::request_header<> h;
    h.version(version);
    for (const auto& [k, v] : fields)
        h.insert(k, v);
    return RequestValidator::checkFields(h).status;
}

TEST(RequestValidatorTest, FieldRules)
{
    EXPECT_EQ(fieldStatus({{"Host", "x"}}), 0u);
    EXPECT_EQ(fieldStatus({{"Host", "x"}, {"Content-Length", "12"}}), 0u);
    EXPECT_EQ(fieldStatus({{"Host", "x"}, {"Transfer-Encoding", "chunked"}}), 0u);
    EXPECT_EQ(fieldStatus({}, 10), 0u);
    EXPECT_EQ(fieldStatus({}), 400u);
    EXPECT_EQ(fieldStatus({{"Host", "a"}, {"Host", "b"}}), 400u);
    EXPECT_EQ(fieldStatus({{"Host", "x"}, {"Content-Length", "5"}, {"Content-Length", "5"}}), 400u);
    EXPECT_EQ(fieldStatus({{"Host", "x"}, {"Content-Length", "5, 5"}}), 400u);
    EXPECT_EQ(fieldStatus({{"Host", "x"}, {"Content-Length", "-1"}}), 400u);
    EXPECT_EQ(fieldStatus({{"Host", "x"}, {"Content-Length", "1234567890123456789"}}), 400u);
    EXPECT_EQ(fieldStatus({{"Host", "x"}, {"Content-Length", "5"}, {"Transfer-Encoding", "chunked"}}), 400u);
    for (const char* te : {"gzip", "Chunked", "chunked, chunked", "gzip, chunked", "chunked;q=1", "xchunked", ""})
        EXPECT_EQ(fieldStatus({{"Host", "x"}, {"Transfer-Encoding", te}}), 400u) << te;
    EXPECT_EQ(fieldStatus({{"Host", "x"}, {"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}}), 400u);
}

} // namespace
} // namespace lblab
