#include "core/record/request_notes.h"

#include "core/base/ipv4.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace lblab;

namespace {

const std::vector<std::string> kNames{"s1", "s2", "s3"};

RequestEvent repin(std::int64_t tUs)
{
    RequestEvent e;
    e.tUs = tUs;
    e.clientId = "c7";
    e.clientIp = *parseIpv4("127.0.3.17");
    e.sessionKey = "127.0.3.17";
    e.decision = DecisionKind::Repinned;
    e.backend = 2;
    e.status = 200;
    e.reason.rule = ReasonRule::TableRepinned;
    e.reason.key = ReasonKey::Address;
    e.reason.pinned = 0;
    return e;
}

} // namespace

TEST(RequestNotes, ARepinIsLoggedWithItsReason)
{
    RequestNotes notes;
    const auto note = notes.noteFor(repin(1'500'000), {}, kNames);
    ASSERT_TRUE(note);
    EXPECT_EQ(note->kind, LabEventKind::Repinned);
    EXPECT_EQ(note->subject, "c7");
    EXPECT_EQ(note->detail, "table: 127.0.3.17 pinned to s1, which cannot serve it -> re-pinned to s3");
}

TEST(RequestNotes, AnAffinityBreakSaysWhereTheClientWasAndWhy)
{
    RequestNotes notes;
    RequestEvent e = repin(2'000'000);
    e.decision = DecisionKind::NewPin;
    e.clientIp = *parseIpv4("127.0.9.4");
    e.sessionKey = "127.0.9.4";
    e.reason.rule = ReasonRule::TableNoEntry;
    ClientTracker::Outcome moved;
    moved.affinityBreak = true;
    moved.movedFrom = 0;
    const auto note = notes.noteFor(e, moved, kNames);
    ASSERT_TRUE(note);
    EXPECT_EQ(note->kind, LabEventKind::AffinityBroken);
    EXPECT_EQ(note->detail, "moved s1 -> s3 after its address changed: table: no entry for 127.0.9.4 (new address) "
                            "-> new pin s3");
    e.decision = DecisionKind::Pinned; // an ordinary request is not logged
    EXPECT_FALSE(notes.noteFor(e, {}, kNames));
}

TEST(RequestNotes, AStormIsBoundedPerSecondAndSaysSo)
{
    RequestNotes notes;
    int listed = 0;
    int said = 0;
    for (int i = 0; i < 100; ++i) {
        const auto note = notes.noteFor(repin(3'000'000 + i), {}, kNames);
        if (note && note->kind == LabEventKind::Repinned)
            ++listed;
        else if (note)
            ++said;
    }
    EXPECT_EQ(listed, RequestNotes::kPerSecond);
    EXPECT_EQ(said, 1);
    EXPECT_TRUE(notes.noteFor(repin(4'000'000), {}, kNames)); // the next second starts again
}
