// What the capture tells about change (core/capture.* with core/client_tracker.*): clients that
// moved to another server, a followed client's story, and the counters since the lab's last change.

#include "core/record/capture.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

namespace lblab {
namespace {

namespace fs = std::filesystem;

Capture::Options options()
{
    Capture::Options o;
    o.spillDirectory = fs::path(testing::TempDir()) / ("lblab-capture-changes-" + std::to_string(::getpid()));
    return o;
}

RequestEvent event(std::int64_t tUs, const std::string& client, int backend, SessionOutcome session = SessionOutcome::None,
                   unsigned status = 200, Ipv4 ip = 0x7F010105)
{
    RequestEvent e;
    e.tUs = tUs;
    e.clientId = client;
    e.clientIp = ip;
    e.method = "GET";
    e.path = "/account";
    e.policy = "round-robin";
    e.decision = backend >= 0 ? DecisionKind::RoundRobin : DecisionKind::NoBackend;
    e.backend = backend;
    e.backendName = backend >= 0 ? "s" + std::to_string(backend + 1) : "";
    e.status = status;
    e.session = session;
    return e;
}

const ClientView* find(const Snapshot& s, const std::string& id)
{
    for (const auto& c : s.clients)
        if (c.id == id)
            return &c;
    return nullptr;
}

TEST(CaptureChangesTest, AClientMovedWhenItsServerChanges)
{
    // Moves count where a decision places the client itself (a pin, a hash): there landing elsewhere is news.
    auto pinned = [](std::int64_t t, const std::string& client, int backend, unsigned status = 200) {
        RequestEvent e = event(t, client, backend, SessionOutcome::None, status);
        e.policy = "cookie-affinity";
        e.decision = backend < 0 ? DecisionKind::NoBackend : DecisionKind::Pinned;
        return e;
    };
    Capture capture(options());
    capture.registerClient("c1", "users", 0x7F010105);
    capture.registerClient("c2", "users", 0x7F010106);
    capture.record(pinned(10, "c1", 0));
    capture.record(pinned(11, "c2", 1));
    capture.record(pinned(20, "c1", 0)); // same server: no move
    capture.record(pinned(21, "c2", 1));

    Snapshot s;
    capture.fillSnapshot(s, 1, 1);
    EXPECT_EQ(find(s, "c1")->movedUs, -1);
    EXPECT_EQ(find(s, "c1")->movedFrom, -1);

    RequestEvent repinned = pinned(30, "c1", 2); // moved from s1 to s3
    repinned.decision = DecisionKind::Repinned;
    capture.record(repinned);
    capture.record(pinned(40, "c2", -1, 503)); // no server: not a move
    capture.record(pinned(50, "c2", 1));       // back on the server it had: not a move either
    capture.fillSnapshot(s, 1, 1);
    EXPECT_EQ(find(s, "c1")->movedUs, 30);
    EXPECT_EQ(find(s, "c1")->movedFrom, 0);
    EXPECT_EQ(find(s, "c2")->movedUs, -1);

    capture.record(pinned(60, "c2", 0));
    capture.fillSnapshot(s, 1, 1);
    EXPECT_EQ(find(s, "c2")->movedUs, 60);
    EXPECT_EQ(find(s, "c2")->movedFrom, 1) << "the server before the 503 counts as its previous one";
}

TEST(CaptureChangesTest, PerRequestBalancingMovesNobody)
{
    // Under round robin every client changes server at almost every request; marking that would
    // hide the moves a change causes.
    Capture capture(options());
    capture.registerClient("c1", "users", 0x7F010105);
    for (int i = 0; i < 6; ++i)
        capture.record(event(10 * (i + 1), "c1", i % 3));
    Snapshot s;
    capture.fillSnapshot(s, 1, 1);
    EXPECT_EQ(find(s, "c1")->movedUs, -1);
    RequestEvent hashed = event(70, "c1", 1);
    hashed.decision = DecisionKind::Hash; // a switch to ip-hash places it: that move shows
    capture.record(hashed);
    capture.fillSnapshot(s, 1, 1);
    EXPECT_EQ(find(s, "c1")->movedUs, 70);
    EXPECT_EQ(find(s, "c1")->movedFrom, 2);
}

TEST(CaptureChangesTest, AFollowedClientsStoryFoldsRequestsAndShowsAddressChanges)
{
    Capture capture(options());
    capture.registerClient("c1", "mobile", 0x7F010105);
    capture.record(event(1, "c1", 0, SessionOutcome::Created));
    for (int i = 0; i < 5; ++i)
        capture.record(event(10 + i, "c1", 0, SessionOutcome::Hit));
    capture.recordIpChange("c1", 0x7F010105, 0x7F010205, 20);
    capture.record(event(21, "c1", 1, SessionOutcome::Miss, 401, 0x7F010205));
    capture.record(event(22, "other", 2));

    const ClientStory story = capture.story("c1");
    EXPECT_EQ(story.clientId, "c1");
    ASSERT_EQ(story.entries.size(), 4u);
    EXPECT_EQ(story.entries[0].session, SessionOutcome::Created);
    EXPECT_EQ(story.entries[1].count, 5u);
    EXPECT_EQ(story.entries[1].firstUs, 10);
    EXPECT_EQ(story.entries[1].lastUs, 14);
    EXPECT_EQ(story.entries[2].kind, StoryEntry::Kind::IpChange);
    EXPECT_EQ(story.entries[2].fromIp, 0x7F010105u);
    EXPECT_EQ(story.entries[2].ip, 0x7F010205u);
    EXPECT_EQ(story.entries[3].backend, 1);
    EXPECT_EQ(story.entries[3].session, SessionOutcome::Miss);
    EXPECT_EQ(story.entries[3].status, 401u);

    const ClientStory unknown = capture.story("nobody");
    EXPECT_EQ(unknown.clientId, "nobody");
    EXPECT_TRUE(unknown.entries.empty());
}

TEST(CaptureChangesTest, StoriesAreBoundedPerClient)
{
    Capture::Options o = options();
    o.storyEntries = 8;
    Capture capture(o);
    for (int i = 0; i < 100; ++i)
        capture.record(event(i, "c1", i % 3)); // round robin: every request a new entry
    const ClientStory story = capture.story("c1");
    ASSERT_EQ(story.entries.size(), 8u);
    EXPECT_EQ(story.droppedEntries, 92u);
    EXPECT_EQ(story.entries.front().firstUs, 92);
    EXPECT_EQ(story.entries.back().firstUs, 99);
}

TEST(CaptureChangesTest, CountersRestartAtEachChange)
{
    Capture capture(options());
    capture.record(event(10, "c1", 0, SessionOutcome::Hit));
    capture.record(event(20, "c2", 1, SessionOutcome::Miss, 401));
    capture.record(event(30, "c3", 1));

    Snapshot s;
    capture.fillSnapshot(s, 1, 1);
    EXPECT_EQ(s.sinceChange.tUs, -1) << "no change yet: the whole run";
    EXPECT_EQ(s.sinceChange.what, "");
    EXPECT_EQ(s.sinceChange.requests, 3u);
    EXPECT_EQ(s.sinceChange.sessionRequests, 2u);
    EXPECT_EQ(s.sinceChange.sessionMisses, 1u);

    capture.markChange(100, "policy cookie-affinity");
    capture.record(event(90, "c1", 0, SessionOutcome::Miss, 401)); // arrived before the change
    capture.record(event(110, "c1", 0, SessionOutcome::Hit));
    capture.record(event(120, "c2", 0, SessionOutcome::Hit));
    capture.fillSnapshot(s, 1, 1);
    EXPECT_EQ(s.sinceChange.tUs, 100);
    EXPECT_EQ(s.sinceChange.what, "policy cookie-affinity");
    EXPECT_EQ(s.sinceChange.requests, 2u) << "a request routed before the change is not counted";
    EXPECT_EQ(s.sinceChange.sessionRequests, 2u);
    EXPECT_EQ(s.sinceChange.sessionMisses, 0u);
    EXPECT_EQ(s.totals.requests, 6u);

    capture.markChange(200, "s2 killed");
    capture.record(event(210, "c2", 1, SessionOutcome::Miss, 401));
    capture.fillSnapshot(s, 1, 1);
    EXPECT_EQ(s.sinceChange.what, "s2 killed");
    EXPECT_EQ(s.sinceChange.requests, 1u);
    EXPECT_EQ(s.sinceChange.sessionMisses, 1u);
}

} // namespace
} // namespace lblab
