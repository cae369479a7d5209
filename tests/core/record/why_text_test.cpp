#include "core/record/why_text.h"

#include "core/base/ipv4.h"
#include "core/record/events_csv.h"
#include "core/record/reason_code.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace lblab;

namespace {

const std::vector<std::string> kNames{"s1", "s2", "s3"};

RequestEvent eventFrom(ReasonRule rule, DecisionKind decision, int backend, std::string key = {})
{
    RequestEvent e;
    e.clientIp = *parseIpv4("127.0.3.17");
    e.sessionKey = std::move(key);
    e.decision = decision;
    e.backend = backend;
    e.status = backend >= 0 ? 200 : 503;
    e.reason.rule = rule;
    return e;
}

} // namespace

TEST(WhyText, HashShowsTheValueTheModulusAndThePosition)
{
    RequestEvent e = eventFrom(ReasonRule::HashModulo, DecisionKind::Hash, 1, "127.0.3.17");
    e.reason.key = ReasonKey::Address;
    e.reason.hashModulo(0x5f3a91c2, 3);
    EXPECT_EQ(whyText(e, kNames), "hash(127.0.3.17) = 0x5f3a91c2 mod 3 = " + std::to_string(0x5f3a91c2 % 3) + " -> s2");
}

TEST(WhyText, TablePinShowsItsAge)
{
    RequestEvent e = eventFrom(ReasonRule::TablePinned, DecisionKind::Pinned, 1, "127.0.3.17");
    e.reason.key = ReasonKey::Address;
    e.reason.tableRow(ReasonRule::TablePinned, 1, TimePoint{}, TimePoint{} + std::chrono::milliseconds(4200));
    EXPECT_EQ(whyText(e, kNames), "table: 127.0.3.17 pinned to s2 4.2 s ago -> s2");
}

TEST(WhyText, NewAddressAndRepin)
{
    RequestEvent e = eventFrom(ReasonRule::TableNoEntry, DecisionKind::NewPin, 2);
    e.clientIp = *parseIpv4("127.0.9.4");
    e.reason.key = ReasonKey::Address;
    EXPECT_EQ(whyText(e, kNames), "table: no entry for 127.0.9.4 (new address) -> new pin s3");

    RequestEvent r = eventFrom(ReasonRule::TableRepinned, DecisionKind::Repinned, 2, "127.0.3.17");
    r.reason.key = ReasonKey::Address;
    r.reason.pinned = 0;
    EXPECT_EQ(whyText(r, kNames), "table: 127.0.3.17 pinned to s1, which cannot serve it -> re-pinned to s3");
}

TEST(WhyText, CookieForms)
{
    RequestEvent e = eventFrom(ReasonRule::CookieNamesServer, DecisionKind::Pinned, 1, "s2-9f3a1c07");
    e.reason.key = ReasonKey::Cookie;
    e.reason.pinned = 1;
    EXPECT_EQ(whyText(e, kNames), "cookie s2-9f3a1c07 names s2 (no table row) -> s2");
    RequestEvent fresh = eventFrom(ReasonRule::TableNoEntry, DecisionKind::NewPin, 2, "s3-1b2c3d4e");
    fresh.reason.key = ReasonKey::Cookie;
    EXPECT_EQ(whyText(fresh, kNames), "no valid cookie (new client) -> new pin s3, cookie s3-1b2c3d4e");
}

TEST(WhyText, LeastConnectionsListsTheCounts)
{
    RequestEvent e = eventFrom(ReasonRule::LeastConnections, DecisionKind::LeastConnections, 1);
    e.reason.addCandidate(0, 3);
    e.reason.addCandidate(1, 1);
    e.reason.addCandidate(2, 2);
    EXPECT_EQ(whyText(e, kNames), "least connections: s1 3, s2 1, s3 2 -> s2");
}

TEST(WhyText, RegionRingAndPowerOfTwo)
{
    RequestEvent geo = eventFrom(ReasonRule::Region, DecisionKind::Geo, 2, "eu");
    geo.reason.addCandidate(0, 0);
    geo.reason.addCandidate(2, 0);
    EXPECT_EQ(whyText(geo, kNames), "region eu -> s1, s3; round robin -> s3");

    RequestEvent ring = eventFrom(ReasonRule::Ring, DecisionKind::Hash, 2, "127.0.3.17");
    ring.reason.hash = 0x5f3a91c2;
    ring.reason.point = 0x5f40aa01;
    ring.reason.addCandidate(2, 0);
    EXPECT_EQ(whyText(ring, kNames), "ring: hash(127.0.3.17) = 0x5f3a91c2 -> point 0x5f40aa01 owned by s3");
    ring.backend = 0; // bounded load passed the owner over
    EXPECT_EQ(whyText(ring, kNames),
              "ring: hash(127.0.3.17) = 0x5f3a91c2 -> point 0x5f40aa01 owned by s3, over the load bound -> s1");

    RequestEvent two = eventFrom(ReasonRule::PowerOfTwo, DecisionKind::PowerOfTwo, 2);
    two.reason.addCandidate(0, 3);
    two.reason.addCandidate(2, 1);
    EXPECT_EQ(whyText(two, kNames), "power of two: s1 3 vs s3 1 -> s3");
}

TEST(WhyText, RetriedNoBackendRefusedAndEngines)
{
    RequestEvent e = eventFrom(ReasonRule::Rotation, DecisionKind::Retried, 2);
    e.reason.slot = 2;
    e.reason.failed = 1;
    EXPECT_EQ(whyText(e, kNames), "s2 failed, retried elsewhere: round robin: s3's turn -> s3");

    RequestEvent none = eventFrom(ReasonRule::NoBackend, DecisionKind::NoBackend, -1);
    EXPECT_EQ(whyText(none, kNames), "no backend takes new clients -> none, answered 503");
    RequestEvent refused = eventFrom(ReasonRule::None, DecisionKind::NoBackend, -1);
    refused.status = 400;
    EXPECT_EQ(whyText(refused, kNames), "refused before a policy decided -> none, answered 400");

    RequestEvent engine = eventFrom(ReasonRule::None, DecisionKind::Pinned, 1);
    engine.why = "haproxy: stick on src, key 127.0.3.17: pinned -> s2";
    EXPECT_EQ(whyText(engine, kNames), engine.why);
}

TEST(WhyText, UnknownBackendIndexIsNamedByNumber)
{
    RequestEvent e = eventFrom(ReasonRule::Rotation, DecisionKind::RoundRobin, 7);
    e.reason.slot = 7;
    EXPECT_EQ(whyText(e, kNames), "round robin: #7's turn -> #7");
}

TEST(WhyText, ClientViewAndStoryEntrySayTheSameAsTheirRequest)
{
    RequestEvent e = eventFrom(ReasonRule::TablePinned, DecisionKind::Pinned, 1, "127.0.3.17");
    e.reason.key = ReasonKey::Address;
    e.reason.pinned = 1;
    e.reason.pinAgeMs = 1500;
    ClientView c;
    c.ip = e.clientIp;
    c.sessionKey = e.sessionKey;
    c.backend = e.backend;
    c.decision = e.decision;
    c.status = e.status;
    c.lastUs = 10;
    c.reason = e.reason;
    EXPECT_EQ(whyText(c, kNames), whyText(e, kNames));
    StoryEntry s;
    s.ip = e.clientIp;
    s.sessionKey = e.sessionKey;
    s.backend = e.backend;
    s.decision = e.decision;
    s.status = e.status;
    s.reason = e.reason;
    EXPECT_EQ(whyText(s, kNames), whyText(e, kNames));
    s.kind = StoryEntry::Kind::IpChange;
    EXPECT_EQ(whyText(s, kNames), "");
    EXPECT_EQ(whyText(ClientView{}, kNames), ""); // no request yet
}

TEST(ReasonCode, RoundTripsEveryField)
{
    DecisionReason r;
    r.rule = ReasonRule::LeastConnections;
    r.key = ReasonKey::Cookie;
    r.hash = 0xfedcba9876543210ull;
    r.point = 0x5f40aa01;
    r.modulus = 12;
    r.slot = 7;
    r.pinAgeMs = 4200;
    r.pinned = 3;
    r.failed = -1;
    for (int i = 0; i < 10; ++i)
        r.addCandidate(i, 100 + i);
    std::string code;
    reason_code::append(code, r);
    EXPECT_EQ(code.find_first_of(",\"\r\n "), std::string::npos) << code; // a bare CSV field
    const auto back = reason_code::parse(code);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->rule, r.rule);
    EXPECT_EQ(back->key, r.key);
    EXPECT_EQ(back->hash, r.hash);
    EXPECT_EQ(back->point, r.point);
    EXPECT_EQ(back->modulus, r.modulus);
    EXPECT_EQ(back->slot, r.slot);
    EXPECT_EQ(back->pinAgeMs, r.pinAgeMs);
    EXPECT_EQ(back->pinned, r.pinned);
    EXPECT_EQ(back->failed, r.failed);
    EXPECT_EQ(back->more, 2);
    EXPECT_EQ(back->candidates, r.candidates);
    EXPECT_EQ(back->candidate, r.candidate);
    EXPECT_EQ(back->load, r.load);
    EXPECT_FALSE(reason_code::parse("haproxy: balance source -> s2"));
    EXPECT_FALSE(reason_code::parse("~1.2"));
    EXPECT_FALSE(reason_code::parse("~zz.0.0.0.0.0.0.0.0.0"));
}

TEST(EventsCsv, ExportTurnsTheKeptCodeIntoText)
{
    RequestEvent e = eventFrom(ReasonRule::HashModulo, DecisionKind::Hash, 1, "127.0.3.17");
    e.reason.key = ReasonKey::Address;
    e.reason.hashModulo(0x10, 3);
    e.backendName = "s2";
    e.clientId = "c1";
    e.method = "GET";
    e.path = "/a,b";
    e.policy = "ip-hash";
    std::string row;
    events_csv::appendLeadingFields(row, e);
    row += "1,";
    events_csv::appendKeptWhy(row, e);
    row += "\r\n";
    std::vector<std::string> names{"s1"}; // s2 only known from the row
    std::string out;
    events_csv::appendExportedRow(out, row, names);
    EXPECT_EQ(out.substr(out.rfind(',', out.size() - 3) + 1), "hash(127.0.3.17) = 0x10 mod 3 = 1 -> s2\r\n");
    EXPECT_EQ(out.substr(0, row.find('~')), row.substr(0, row.find('~')));
    ASSERT_EQ(names.size(), 2u);

    e.why = "nginx: hash $remote_addr, key 127.0.3.17: hash -> s2";
    row.clear();
    events_csv::appendLeadingFields(row, e);
    row += "2,";
    events_csv::appendKeptWhy(row, e);
    row += "\r\n";
    out.clear();
    events_csv::appendExportedRow(out, row, names);
    EXPECT_EQ(out, row); // text kept as it is
}
