#include "core/record/client_story_log.h"

#include <gtest/gtest.h>

namespace lblab {
namespace {

RequestEvent request(std::int64_t tUs, int backend, unsigned status = 200,
                     SessionOutcome session = SessionOutcome::None, DecisionKind decision = DecisionKind::RoundRobin,
                     Ipv4 ip = 0x7F010105)
{
    RequestEvent e;
    e.tUs = tUs;
    e.clientId = "c1";
    e.clientIp = ip;
    e.backend = backend;
    e.status = status;
    e.session = session;
    e.decision = decision;
    return e;
}

ClientStory storyOf(const ClientStoryLog& log)
{
    ClientStory s;
    log.fill(s);
    return s;
}

TEST(ClientStoryLogTest, AlikeRequestsFoldIntoOneEntry)
{
    ClientStoryLog log;
    log.recordRequest(request(10, 0, 200));
    log.recordRequest(request(30, 0, 204)); // same status class
    log.recordRequest(request(20, 0, 200)); // completed late: times still span the entry
    const auto s = storyOf(log);
    ASSERT_EQ(s.entries.size(), 1u);
    EXPECT_EQ(s.entries[0].kind, StoryEntry::Kind::Requests);
    EXPECT_EQ(s.entries[0].count, 3u);
    EXPECT_EQ(s.entries[0].firstUs, 10);
    EXPECT_EQ(s.entries[0].lastUs, 30);
    EXPECT_EQ(s.entries[0].backend, 0);
    EXPECT_EQ(s.entries[0].status, 200u) << "the status of the entry's last request";
    EXPECT_EQ(s.droppedEntries, 0u);
}

TEST(ClientStoryLogTest, AnyDifferenceStartsANewEntry)
{
    ClientStoryLog log;
    log.recordRequest(request(1, 0));
    log.recordRequest(request(2, 1));                                      // server
    log.recordRequest(request(3, 1, 200, SessionOutcome::None, DecisionKind::Pinned)); // decision
    log.recordRequest(request(4, 1, 401, SessionOutcome::Miss, DecisionKind::Pinned)); // outcome, status
    log.recordRequest(request(5, 1, 404, SessionOutcome::Miss, DecisionKind::Pinned)); // alike: 4xx again
    log.recordRequest(request(6, 1, 503, SessionOutcome::Miss, DecisionKind::Pinned)); // status class
    log.recordRequest(request(7, 1, 503, SessionOutcome::Miss, DecisionKind::Pinned, 0x7F010106)); // address
    const auto s = storyOf(log);
    ASSERT_EQ(s.entries.size(), 6u);
    EXPECT_EQ(s.entries[3].count, 2u);
    EXPECT_EQ(s.entries[3].session, SessionOutcome::Miss);
    EXPECT_EQ(s.entries[4].status, 503u);
    EXPECT_EQ(s.entries[5].ip, 0x7F010106u);
}

TEST(ClientStoryLogTest, AnAddressChangeIsItsOwnEntry)
{
    ClientStoryLog log;
    log.recordRequest(request(1, 0));
    log.recordIpChange(0x7F010105, 0x7F010205, 5);
    log.recordRequest(request(6, 0, 200, SessionOutcome::None, DecisionKind::RoundRobin, 0x7F010205));
    const auto s = storyOf(log);
    ASSERT_EQ(s.entries.size(), 3u);
    EXPECT_EQ(s.entries[1].kind, StoryEntry::Kind::IpChange);
    EXPECT_EQ(s.entries[1].fromIp, 0x7F010105u);
    EXPECT_EQ(s.entries[1].ip, 0x7F010205u);
    EXPECT_EQ(s.entries[1].firstUs, 5);
    EXPECT_EQ(s.entries[2].kind, StoryEntry::Kind::Requests);
}

TEST(ClientStoryLogTest, TheOldestEntriesGoFirstAndAreCounted)
{
    ClientStoryLog log(4);
    for (int i = 0; i < 10; ++i)
        log.recordRequest(request(i, i % 2)); // every request moves: one entry each
    EXPECT_EQ(log.size(), 4u);
    EXPECT_EQ(log.dropped(), 6u);
    const auto s = storyOf(log);
    ASSERT_EQ(s.entries.size(), 4u);
    EXPECT_EQ(s.droppedEntries, 6u);
    for (std::size_t k = 0; k < 4; ++k)
        EXPECT_EQ(s.entries[k].firstUs, static_cast<std::int64_t>(6 + k)) << "oldest first";
    // Folding still reaches the newest entry once the ring has wrapped.
    log.recordRequest(request(10, 1));
    EXPECT_EQ(storyOf(log).entries.back().count, 2u);
    EXPECT_EQ(log.dropped(), 6u);
}

TEST(ClientStoryLogTest, AddressChangesNeverPushOutTheLastRequest)
{
    ClientStoryLog log(3);
    RequestEvent first = request(1, 0);
    first.sessionKey = "old";
    log.recordRequest(first);
    RequestEvent last = request(2, 1);
    last.sessionKey = "sid-42";
    last.reason.hashModulo(0x2A, 3);
    log.recordRequest(last);
    for (int i = 0; i < 5; ++i)
        log.recordIpChange(0x7F010105 + i, 0x7F010106 + i, 10 + i);
    // The ring holds three: the last request, then the two newest address changes.
    const auto s = storyOf(log);
    ASSERT_EQ(s.entries.size(), 3u);
    EXPECT_EQ(s.droppedEntries, 4u);
    EXPECT_EQ(s.entries[0].kind, StoryEntry::Kind::Requests);
    EXPECT_EQ(s.entries[0].sessionKey, "sid-42");
    EXPECT_EQ(s.entries[1].firstUs, 13);
    EXPECT_EQ(s.entries[2].firstUs, 14) << "oldest first";
    ASSERT_TRUE(log.lastRequest().has_value());
    EXPECT_EQ(log.lastRequest()->sessionKey, "sid-42");
    EXPECT_EQ(log.lastRequest()->reason, last.reason);
    // A request after them is the newest; the old last request may now go first.
    log.recordRequest(request(20, 2));
    EXPECT_EQ(log.lastRequest()->firstUs, 20);
    EXPECT_EQ(storyOf(log).entries.front().firstUs, 13);
}

TEST(ClientStoryLogTest, TheSmallestStoryKeepsTheLastRequestAndAnAddressChange)
{
    ClientStoryLog log(1); // raised to 2
    EXPECT_FALSE(log.lastRequest().has_value());
    RequestEvent e = request(1, 0);
    e.sessionKey = "k";
    log.recordRequest(e);
    log.recordIpChange(0x7F010105, 0x7F010106, 2);
    log.recordIpChange(0x7F010106, 0x7F010107, 3);
    const auto s = storyOf(log);
    ASSERT_EQ(s.entries.size(), 2u);
    EXPECT_EQ(s.entries[0].sessionKey, "k");
    EXPECT_EQ(s.entries[1].ip, 0x7F010107u);
}

TEST(ClientStoryLogTest, KeyAndWhyAreKeptApartInTheirOneText)
{
    ClientStoryLog log;
    RequestEvent e = request(1, 0);
    e.sessionKey = "sid-7";
    e.why = "haproxy: cookie SRV=s1";
    log.recordRequest(e);
    EXPECT_EQ(log.lastRequest()->sessionKey, "sid-7");
    EXPECT_EQ(log.lastRequest()->why, "haproxy: cookie SRV=s1");
    // A folded request replaces both, whatever their lengths were.
    RequestEvent next = request(2, 0);
    next.sessionKey = "a-much-longer-session-key-than-before";
    next.why = "";
    log.recordRequest(next);
    auto s = storyOf(log);
    ASSERT_EQ(s.entries.size(), 1u);
    EXPECT_EQ(s.entries[0].sessionKey, "a-much-longer-session-key-than-before");
    EXPECT_EQ(s.entries[0].why, "");
    EXPECT_EQ(s.entries[0].count, 2u);
    // An empty key with a why: the why is not taken for the key.
    RequestEvent other = request(3, 1);
    other.why = "engine text";
    log.recordRequest(other);
    EXPECT_EQ(log.lastRequest()->sessionKey, "");
    EXPECT_EQ(log.lastRequest()->why, "engine text");
    EXPECT_EQ(log.lastRequest()->backend, 1);
    EXPECT_EQ(log.lastRequest()->status, 200u);
}

TEST(ClientStoryLogTest, AnOversizedKeyIsCutAndAnOversizedStatusCapped)
{
    ClientStoryLog log;
    RequestEvent e = request(1, 0, 70000);
    e.sessionKey.assign(70000, 'k');
    e.why = "w";
    log.recordRequest(e);
    const auto last = log.lastRequest();
    ASSERT_TRUE(last.has_value());
    EXPECT_EQ(last->sessionKey.size(), 65535u);
    EXPECT_EQ(last->why, "w");
    EXPECT_EQ(last->status, 65535u);
}

} // namespace
} // namespace lblab
