#include "core/engines/engine_log_line.h"

#include <gtest/gtest.h>

namespace lblab {

namespace {

EngineLogLine::Result parse(std::string_view datagram, EngineLogRecord& out)
{
    std::string error;
    const auto result = EngineLogLine::parse(datagram, out, error);
    EXPECT_TRUE(result != EngineLogLine::Result::Malformed) << error;
    return result;
}

/// The error of a line that must be Malformed.
std::string malformed(std::string_view datagram)
{
    EngineLogRecord out;
    std::string error;
    const auto result = EngineLogLine::parse(datagram, out, error);
    EXPECT_EQ(result, EngineLogLine::Result::Malformed) << datagram;
    return error;
}

} // namespace

TEST(EngineLogLineTest, HaproxyRawLine)
{
    EngineLogRecord r;
    ASSERT_EQ(parse("LBLAB1 127.0.3.17 200 12 0 s2 c17 hit pinned abc123 GET /api/cart?sid=abc123\n", r),
              EngineLogLine::Result::Request);
    EXPECT_EQ(r.clientIp, 0x7F000311u);
    EXPECT_EQ(r.status, 200u);
    EXPECT_DOUBLE_EQ(r.totalMs, 12.0);
    EXPECT_EQ(r.retries, 0);
    EXPECT_FALSE(r.redispatched);
    EXPECT_EQ(r.backendName, "s2");
    EXPECT_EQ(r.clientId, "c17");
    EXPECT_EQ(r.session, SessionOutcome::Hit);
    ASSERT_TRUE(r.why.has_value());
    EXPECT_EQ(*r.why, DecisionKind::Pinned);
    EXPECT_EQ(r.key, "abc123");
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.uri, "/api/cart?sid=abc123");
}

TEST(EngineLogLineTest, NginxSyslogLinesWithAndWithoutHostname)
{
    EngineLogRecord r;
    ASSERT_EQ(parse("<190>Dec  1 12:00:00 lblab: LBLAB1 127.0.0.1 502 0.004 1 - - - - - POST /login", r),
              EngineLogLine::Result::Request);
    EXPECT_EQ(r.status, 502u);
    EXPECT_NEAR(r.totalMs, 4.0, 1e-9);
    EXPECT_EQ(r.retries, 1);
    EXPECT_TRUE(r.backendName.empty());
    EXPECT_TRUE(r.clientId.empty());
    EXPECT_EQ(r.session, SessionOutcome::None);
    EXPECT_FALSE(r.why.has_value());
    EXPECT_TRUE(r.key.empty());
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.uri, "/login");

    ASSERT_EQ(parse("<190>Dec  1 12:00:00 myhost lblab: LBLAB1 10.0.0.9 200 1.250 - s1 c1 created new-pin "
                    "k\\x22 GET /a\\x20b",
                    r),
              EngineLogLine::Result::Request);
    EXPECT_EQ(r.clientIp, 0x0A000009u);
    EXPECT_NEAR(r.totalMs, 1250.0, 1e-9);
    EXPECT_EQ(r.retries, 0);
    EXPECT_EQ(r.session, SessionOutcome::Created);
    EXPECT_EQ(r.why, DecisionKind::NewPin);
    EXPECT_EQ(r.key, "k\\x22"); // NGINX's escapes are kept as text
    EXPECT_EQ(r.uri, "/a\\x20b");
}

TEST(EngineLogLineTest, HaproxyRedispatchAndUnknownTimes)
{
    EngineLogRecord r;
    ASSERT_EQ(parse("<134>Dec  1 12:00:00 haproxy[42]: LBLAB1 127.0.0.1 -1 -1 +1 s3 c2 miss re-pinned k GET /x", r),
              EngineLogLine::Result::Request);
    EXPECT_EQ(r.status, 0u);
    EXPECT_DOUBLE_EQ(r.totalMs, 0.0);
    EXPECT_EQ(r.retries, 1);
    EXPECT_TRUE(r.redispatched);
    EXPECT_EQ(r.session, SessionOutcome::Miss);
    EXPECT_EQ(r.why, DecisionKind::Repinned);
    // The record is reused: a following line resets what it does not set.
    ASSERT_EQ(parse("LBLAB1 127.0.0.1 200 5 - - - - - - GET /", r), EngineLogLine::Result::Request);
    EXPECT_EQ(r.retries, 0);
    EXPECT_FALSE(r.redispatched);
    EXPECT_TRUE(r.backendName.empty());
    EXPECT_FALSE(r.why.has_value());
}

TEST(EngineLogLineTest, EveryWhyWordReadsBackAndAnUnknownOneIsNoWhy)
{
    for (int i = 0; i <= static_cast<int>(DecisionKind::NoBackend); ++i) {
        const auto kind = static_cast<DecisionKind>(i);
        EXPECT_EQ(parseDecisionKind(toString(kind)), kind);
        EngineLogRecord r;
        const std::string line = "LBLAB1 127.0.0.1 200 1 0 s1 c1 none " + std::string(toString(kind)) + " - GET /";
        ASSERT_EQ(parse(line, r), EngineLogLine::Result::Request);
        EXPECT_EQ(r.why, kind);
    }
    EXPECT_FALSE(parseDecisionKind("leastconn").has_value());
    EngineLogRecord r;
    ASSERT_EQ(parse("LBLAB1 127.0.0.1 200 1 0 s1 c1 none leastconn - GET /", r), EngineLogLine::Result::Request);
    EXPECT_FALSE(r.why.has_value());
}

TEST(EngineLogLineTest, LinesWithoutTheMarkerAreNotRequests)
{
    EngineLogRecord r;
    std::string error;
    for (std::string_view text : {"Proxy fe_lab started.", "<133>Dec  1 12:00:00 haproxy[1]: Proxy be_lab started.\n",
                                  "", "LBLAB1", "LBLAB2 127.0.0.1 200 1 0 s1 c1 none - - GET /"})
        EXPECT_EQ(EngineLogLine::parse(text, r, error), EngineLogLine::Result::NotARequest) << text;
    EXPECT_TRUE(error.empty());
}

TEST(EngineLogLineTest, EveryMalformedLineNamesTheField)
{
    EXPECT_NE(malformed("LBLAB1 127.0.0.1 200 1 0 s1 c1 none - - GET").find("field count"), std::string::npos);
    EXPECT_NE(malformed("LBLAB1 127.0.0.1 200 1 0 s1 c1 none - - GET / extra").find("field count"),
              std::string::npos);
    EXPECT_NE(malformed("LBLAB1 ").find("field count"), std::string::npos);
    EXPECT_EQ(malformed("LBLAB1 127.0.0.300 200 1 0 s1 c1 none - - GET /"),
              "client-ip: not an IPv4 address: \"127.0.0.300\"");
    EXPECT_EQ(malformed("LBLAB1 - 200 1 0 s1 c1 none - - GET /").rfind("client-ip:", 0), 0u);
    EXPECT_EQ(malformed("LBLAB1 127.0.0.1 OK 1 0 s1 c1 none - - GET /"), "status: not a status code: \"OK\"");
    EXPECT_EQ(malformed("LBLAB1 127.0.0.1 - 1 0 s1 c1 none - - GET /").rfind("status:", 0), 0u);
    EXPECT_EQ(malformed("LBLAB1 127.0.0.1 1000 1 0 s1 c1 none - - GET /").rfind("status:", 0), 0u);
    EXPECT_EQ(malformed("LBLAB1 127.0.0.1 200 fast 0 s1 c1 none - - GET /").rfind("total-ms:", 0), 0u);
    EXPECT_EQ(malformed("LBLAB1 127.0.0.1 200 0.0x4 0 s1 c1 none - - GET /").rfind("total-ms:", 0), 0u);
    EXPECT_EQ(malformed("LBLAB1 127.0.0.1 200 12ms 0 s1 c1 none - - GET /").rfind("total-ms:", 0), 0u);
    EXPECT_EQ(malformed("LBLAB1 127.0.0.1 200 1 x s1 c1 none - - GET /"),
              "connect-retries: not a retry count: \"x\"");
    EXPECT_EQ(malformed("LBLAB1 127.0.0.1 200 1 + s1 c1 none - - GET /").rfind("connect-retries:", 0), 0u);
}

} // namespace lblab
