#include "ui/client_story_panel.h"

#include "qt_app.h"
#include "ui/backend_palette.h"

#include <QDir>
#include <QHeaderView>
#include <QScrollBar>
#include <QTreeWidget>

#include <gtest/gtest.h>

using lblab::ClientStory;
using lblab::DecisionKind;
using lblab::SessionOutcome;
using lblab::Snapshot;
using lblab::StoryEntry;
using lblab::ui::BackendPalette;
using lblab::ui::ClientStoryPanel;

namespace {

lblab::Ipv4 addr(const char* text) { return *lblab::parseIpv4(text); }

StoryEntry requests(std::int64_t firstMs, std::int64_t lastMs, std::uint32_t count, const char* ip, int backend,
                    DecisionKind why, SessionOutcome session, unsigned status)
{
    StoryEntry e;
    e.kind = StoryEntry::Kind::Requests;
    e.firstUs = firstMs * 1000;
    e.lastUs = lastMs * 1000;
    e.count = count;
    e.ip = addr(ip);
    e.backend = backend;
    e.decision = why;
    e.session = session;
    e.status = status;
    return e;
}

StoryEntry ipChange(std::int64_t ms, const char* from, const char* to)
{
    StoryEntry e;
    e.kind = StoryEntry::Kind::IpChange;
    e.firstUs = e.lastUs = ms * 1000;
    e.fromIp = addr(from);
    e.ip = addr(to);
    return e;
}

/// c17 of "mobile users": logs in on s1, changes address, lands on s2 and misses twice.
Snapshot storySnapshot()
{
    Snapshot s;
    s.tUs = 20'000'000;
    for (const char* name : {"s1", "s2", "s3"}) {
        lblab::BackendView v;
        v.name = name;
        s.servers.push_back(v);
    }
    for (int i = 0; i < 30; ++i) {
        lblab::ClientView c;
        c.id = "c" + std::to_string(i);
        c.group = i == 17 ? "mobile users" : "office";
        c.ip = (127u << 24) | (3u << 8) | static_cast<lblab::Ipv4>(i); // 127.0.3.i
        s.clients.push_back(c);
    }
    s.clients[17].ip = addr("127.0.9.2");
    s.story.clientId = "c17";
    s.story.entries = {
        requests(1'200, 1'200, 1, "127.0.3.17", 0, DecisionKind::NewPin, SessionOutcome::Created, 200),
        requests(1'500, 4'000, 3, "127.0.3.17", 0, DecisionKind::Pinned, SessionOutcome::Hit, 200),
        ipChange(4'500, "127.0.3.17", "127.0.9.2"),
        requests(4'600, 5'100, 2, "127.0.9.2", 1, DecisionKind::Hash, SessionOutcome::Miss, 401),
    };
    return s;
}

class ClientStoryPanelTest : public ::testing::Test {
protected:
    void SetUp() override { lblab::test::qtApp(); }
};

} // namespace

TEST_F(ClientStoryPanelTest, WithNoClientFollowedItAsksForAClick)
{
    ClientStoryPanel panel;
    EXPECT_EQ(panel.headerText(), "Click a tile on the map to follow a client");
    EXPECT_EQ(panel.rowCount(), 0);
    panel.showSnapshot(Snapshot{});
    EXPECT_EQ(panel.headerText(), "Click a tile on the map to follow a client");
    EXPECT_EQ(panel.cellText(0, 0), QString());
}

TEST_F(ClientStoryPanelTest, ShowsTheStoryInTimeOrderUnderAHeader)
{
    ClientStoryPanel panel;
    panel.showSnapshot(storySnapshot());
    EXPECT_EQ(panel.headerText(), "c17 (mobile users) · 127.0.9.2 · 2 addresses · 2 servers · 2 misses");
    ASSERT_EQ(panel.rowCount(), 4);
    using C = ClientStoryPanel;
    EXPECT_EQ(panel.cellText(0, C::Time), "1.2");
    EXPECT_EQ(panel.cellText(0, C::What), "request");
    EXPECT_EQ(panel.cellText(0, C::Address), "127.0.3.17");
    EXPECT_EQ(panel.cellText(0, C::Server), "s1");
    EXPECT_EQ(panel.cellText(0, C::Why), "new-pin");
    EXPECT_EQ(panel.cellText(0, C::Session), "created");
    EXPECT_EQ(panel.cellText(0, C::Status), "200");
    EXPECT_EQ(panel.cellText(1, C::Time), "1.5–4.0");
    EXPECT_EQ(panel.cellText(1, C::What), "requests ×3");
    EXPECT_EQ(panel.cellText(1, C::Session), "hit");
    EXPECT_EQ(panel.cellText(2, C::What), "address change 127.0.3.17 → 127.0.9.2");
    EXPECT_EQ(panel.cellText(2, C::Address), "127.0.9.2");
    EXPECT_EQ(panel.cellText(2, C::Server), "");
    EXPECT_EQ(panel.cellText(3, C::Server), "s2");
    EXPECT_EQ(panel.cellText(3, C::Why), "hash");
    EXPECT_EQ(panel.cellText(3, C::Session), "miss");
    EXPECT_EQ(panel.cellText(3, C::Status), "401");

    // The server cell carries a swatch in the server's palette colour.
    const QImage swatch = panel.view()->topLevelItem(3)->icon(C::Server).pixmap(14, 14).toImage();
    EXPECT_EQ(QColor(swatch.pixel(7, 7)), BackendPalette::colourFor(1));

    QDir().mkpath(LBLAB_TEST_OUTPUT_DIR);
    panel.resize(900, 300);
    EXPECT_TRUE(panel.grab().save(QString(LBLAB_TEST_OUTPUT_DIR) + "/client_story_panel.png"));
}

TEST_F(ClientStoryPanelTest, AnUnchangedStoryDoesNotTouchTheTable)
{
    ClientStoryPanel panel;
    Snapshot s = storySnapshot();
    panel.showSnapshot(s);
    const auto refreshes = panel.refreshCount();
    s.tUs += 33'000; // a new frame, same story
    s.sequence += 1;
    panel.showSnapshot(s);
    panel.showSnapshot(s);
    EXPECT_EQ(panel.refreshCount(), refreshes);

    // The last entry grew by one request: that row changes, nothing is added.
    s.story.entries.back().count = 3;
    s.story.entries.back().lastUs = 5'900'000;
    panel.showSnapshot(s);
    EXPECT_EQ(panel.refreshCount(), refreshes + 1);
    ASSERT_EQ(panel.rowCount(), 4);
    EXPECT_EQ(panel.cellText(3, ClientStoryPanel::What), "requests ×3");
    EXPECT_EQ(panel.cellText(3, ClientStoryPanel::Time), "4.6–5.9");
    EXPECT_TRUE(panel.headerText().endsWith("3 misses")) << panel.headerText().toStdString();
}

TEST_F(ClientStoryPanelTest, NewEntriesAppendAndDroppedOnesLeaveTheTop)
{
    ClientStoryPanel panel;
    Snapshot s = storySnapshot();
    panel.showSnapshot(s);
    s.story.entries.push_back(
        requests(6'000, 6'000, 1, "127.0.9.2", 2, DecisionKind::Repinned, SessionOutcome::Created, 200));
    panel.showSnapshot(s);
    ASSERT_EQ(panel.rowCount(), 5);
    EXPECT_EQ(panel.cellText(4, ClientStoryPanel::Server), "s3");
    EXPECT_EQ(panel.cellText(4, ClientStoryPanel::Why), "re-pinned");

    // The core keeps a bounded story: the two oldest went.
    s.story.entries.erase(s.story.entries.begin(), s.story.entries.begin() + 2);
    s.story.droppedEntries = 2;
    panel.showSnapshot(s);
    ASSERT_EQ(panel.rowCount(), 3);
    EXPECT_EQ(panel.cellText(0, ClientStoryPanel::What), "address change 127.0.3.17 → 127.0.9.2");
    EXPECT_EQ(panel.cellText(2, ClientStoryPanel::Server), "s3");
    EXPECT_TRUE(panel.headerText().contains("2 older steps not kept")) << panel.headerText().toStdString();
    EXPECT_TRUE(panel.headerText().contains("2 servers"))
        << "counts what is kept (s2, s3): " << panel.headerText().toStdString();
}

TEST_F(ClientStoryPanelTest, FollowingAnotherClientReplacesTheStory)
{
    ClientStoryPanel panel;
    Snapshot s = storySnapshot();
    panel.showSnapshot(s);
    s.story.clientId = "c4";
    s.story.entries = {requests(9'000, 9'000, 1, "127.0.3.4", 2, DecisionKind::RoundRobin, SessionOutcome::None, 200)};
    panel.showSnapshot(s);
    ASSERT_EQ(panel.rowCount(), 1);
    EXPECT_EQ(panel.cellText(0, ClientStoryPanel::Why), "round-robin");
    EXPECT_EQ(panel.cellText(0, ClientStoryPanel::Session), "");
    EXPECT_EQ(panel.headerText(), "c4 (office) · 127.0.3.4 · 1 address · 1 server · 0 misses");

    s.story.entries.clear();
    s.story.clientId = "c5";
    panel.showSnapshot(s);
    EXPECT_EQ(panel.rowCount(), 0);
    EXPECT_EQ(panel.headerText(), "c5 (office) · 127.0.3.5 · waiting for its next request");

    s.story.clientId.clear();
    panel.showSnapshot(s);
    EXPECT_EQ(panel.headerText(), "Click a tile on the map to follow a client");
}

TEST_F(ClientStoryPanelTest, KeepsTheNewestInViewUnlessTheUserScrolledUp)
{
    ClientStoryPanel panel;
    panel.resize(700, 220);
    panel.show();
    Snapshot s = storySnapshot();
    for (int i = 0; i < 100; ++i)
        s.story.entries.push_back(ipChange(10'000 + i * 100, "127.0.9.2", "127.0.9.3"));
    panel.showSnapshot(s);
    QScrollBar* bar = panel.view()->verticalScrollBar();
    ASSERT_TRUE(lblab::test::waitUntil([&] { return bar->maximum() > 0; }, 2000));
    EXPECT_TRUE(panel.followsNewest());
    EXPECT_EQ(bar->value(), bar->maximum());

    bar->setValue(0); // the user scrolls up to read
    EXPECT_FALSE(panel.followsNewest());
    s.story.entries.push_back(ipChange(30'000, "127.0.9.3", "127.0.9.4"));
    panel.showSnapshot(s);
    EXPECT_EQ(bar->value(), 0) << "reading the start is not interrupted";

    bar->setValue(bar->maximum()); // back at the bottom: follows again
    s.story.entries.push_back(ipChange(31'000, "127.0.9.4", "127.0.9.5"));
    panel.showSnapshot(s);
    lblab::test::pumpEvents(20);
    EXPECT_TRUE(panel.followsNewest());
    EXPECT_EQ(panel.rowCount(), 106);
}

TEST_F(ClientStoryPanelTest, AStoreThatDoesNotAnswerIsAMissAndARefusedCookieStandsOut)
{
    Snapshot s = storySnapshot();
    s.story.entries.push_back(
        requests(5'500, 6'000, 3, "127.0.9.2", 2, DecisionKind::Hash, SessionOutcome::Unavailable, 503));
    s.story.entries.push_back(requests(6'500, 6'500, 1, "127.0.9.2", 0, DecisionKind::Hash, SessionOutcome::Invalid, 401));
    ClientStoryPanel panel;
    panel.resize(900, 300);
    panel.show();
    panel.showSnapshot(s);
    using C = ClientStoryPanel;
    ASSERT_EQ(panel.rowCount(), 6);
    EXPECT_EQ(panel.cellText(4, C::Session), "unavailable");
    EXPECT_EQ(panel.cellText(4, C::Status), "503");
    EXPECT_EQ(panel.cellText(5, C::Session), "invalid");
    const QTreeWidgetItem* unavailable = panel.view()->topLevelItem(4);
    const QTreeWidgetItem* invalid = panel.view()->topLevelItem(5);
    EXPECT_EQ(unavailable->foreground(C::Session).color(), BackendPalette::missColour()) << "red, as a miss";
    EXPECT_TRUE(unavailable->font(C::Session).bold());
    EXPECT_EQ(invalid->foreground(C::Session).color(), ClientStoryPanel::invalidColour());
    EXPECT_NE(ClientStoryPanel::invalidColour(), BackendPalette::missColour());
    EXPECT_TRUE(invalid->font(C::Session).bold());
    // The misses count the store's failures; refused cookies are counted apart.
    EXPECT_EQ(panel.headerText(),
              "c17 (mobile users) · 127.0.9.2 · 2 addresses · 3 servers · 5 misses · 1 cookie refused");
    // The Session column is wide enough for "unavailable" whole.
    const QFontMetrics fm(panel.view()->font());
    EXPECT_GE(panel.view()->header()->sectionSize(C::Session), fm.horizontalAdvance("unavailable") + 16);
}

TEST_F(ClientStoryPanelTest, TheReasonColumnGivesEachStepsWhyWithItsInputs)
{
    Snapshot s = storySnapshot();
    StoryEntry& pinned = s.story.entries[1];
    pinned.sessionKey = "127.0.3.17";
    pinned.reason.rule = lblab::ReasonRule::TablePinned;
    pinned.reason.key = lblab::ReasonKey::Address;
    pinned.reason.pinned = 0;
    pinned.reason.pinAgeMs = 2800;
    StoryEntry& moved = s.story.entries[3];
    moved.reason.key = lblab::ReasonKey::Address;
    moved.reason.hashModulo(0x2b, 3);
    ClientStoryPanel panel;
    panel.showSnapshot(s);
    using C = ClientStoryPanel;
    EXPECT_EQ(panel.cellText(1, C::Reason), "table: 127.0.3.17 pinned to s1 2.8 s ago -> s1");
    EXPECT_EQ(panel.cellText(2, C::Reason), ""); // an address change
    EXPECT_EQ(panel.cellText(3, C::Reason), "hash(127.0.9.2) = 0x2b mod 3 = 1 -> s2");

    // The newest entry's reason is its last request's: the row follows it.
    s.story.entries[3].reason.hashModulo(0x2e, 3);
    s.story.entries[3].count = 3;
    panel.showSnapshot(s);
    EXPECT_EQ(panel.cellText(3, C::Reason), "hash(127.0.9.2) = 0x2e mod 3 = 1 -> s2");
}

TEST_F(ClientStoryPanelTest, TheLineUnderTheTableGivesTheNewestOrTheSelectedStepsReason)
{
    Snapshot s = storySnapshot();
    s.story.entries[1].reason.rule = lblab::ReasonRule::TablePinned;
    s.story.entries[1].reason.key = lblab::ReasonKey::Address;
    s.story.entries[1].reason.pinned = 0;
    s.story.entries[1].reason.pinAgeMs = 2800;
    s.story.entries[3].reason.key = lblab::ReasonKey::Address;
    s.story.entries[3].reason.hashModulo(0x2b, 3);
    ClientStoryPanel panel;
    panel.showSnapshot(s);
    EXPECT_EQ(panel.reasonText(), "Why (4.6–5.1 s): hash(127.0.9.2) = 0x2b mod 3 = 1 -> s2");
    panel.view()->topLevelItem(1)->setSelected(true);
    EXPECT_EQ(panel.reasonText(), "Why (1.5–4.0 s): table: 127.0.3.17 pinned to s1 2.8 s ago -> s1");
}
