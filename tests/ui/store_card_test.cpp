#include "ui/store_card.h"

#include "panels_qt_app.h"
#include "qt_app.h"
#include "ui/server_card.h"
#include "ui/servers_panel.h"

#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

#include <gtest/gtest.h>

using lblab::SessionStoreKind;
using lblab::StoreInterval;
using lblab::StoreView;
using lblab::ui::ServersPanel;
using lblab::ui::StoreCard;

namespace {

StoreView shared()
{
    StoreView v;
    v.kind = SessionStoreKind::Shared;
    v.up = true;
    v.keys = 57;
    v.opsPerSecond = 412.4;
    v.run.ops = 9000;
    v.run.errors = 3;
    v.run.p50Us = 90;
    v.run.p99Us = 400;
    v.history = {StoreInterval{500'000, 200, 0, 70, 300}, StoreInterval{1'000'000, 206, 0, 84, 1'250}};
    return v;
}

StoreView signedCookie()
{
    StoreView v;
    v.kind = SessionStoreKind::Client;
    v.up = true;
    v.opsPerSecond = 398;
    v.run.ops = 8000;
    v.run.invalidTokens = 4;
    v.run.tokens = 1000;
    v.run.tokenBytes = 61'400;
    v.history = {StoreInterval{500'000, 199, 0, 4, 9}};
    return v;
}

class StoreCardTest : public ::testing::Test {
protected:
    void SetUp() override { lblab::test::qtApp(); }
};

} // namespace

TEST_F(StoreCardTest, ARedisThatRunsShowsItsFiguresAndCanBeKilled)
{
    StoreCard card;
    card.showStore(shared());
    EXPECT_EQ(card.titleText(), "Session store: Redis");
    EXPECT_EQ(card.stateText(), "UP");
    EXPECT_TRUE(card.statusText().startsWith("up")) << card.statusText().toStdString();
    const QString stats = card.statsText();
    EXPECT_TRUE(stats.contains("412 ops/s")) << stats.toStdString();
    EXPECT_TRUE(stats.contains("added p50 84 µs / p99 1.25 ms")) << "the last interval's: " << stats.toStdString();
    EXPECT_TRUE(stats.contains("57 keys")) << stats.toStdString();
    EXPECT_TRUE(stats.contains("3 errors")) << stats.toStdString();
    EXPECT_TRUE(card.killButton()->isVisibleTo(&card));
    EXPECT_TRUE(card.killButton()->isEnabled());
    EXPECT_FALSE(card.restoreButton()->isEnabled()) << "nothing to restore while it runs";
}

TEST_F(StoreCardTest, AKilledRedisSaysEverySessionIsLostAndCanOnlyBeRestored)
{
    StoreCard card;
    StoreView v = shared();
    v.up = false;
    v.killed = true;
    v.keys = -1;
    card.showStore(v);
    EXPECT_EQ(card.stateText(), "KILLED");
    EXPECT_TRUE(card.statusText().startsWith("killed: every session lost")) << card.statusText().toStdString();
    EXPECT_TRUE(card.statsText().contains("keys ?")) << card.statsText().toStdString();
    EXPECT_FALSE(card.killButton()->isEnabled());
    EXPECT_TRUE(card.restoreButton()->isEnabled());

    // Not killed but not answering: amber, and it can still be killed.
    v.killed = false;
    card.showStore(v);
    EXPECT_EQ(card.stateText(), "NOT ANSWERING");
    EXPECT_TRUE(card.statusText().startsWith("not answering")) << card.statusText().toStdString();
    EXPECT_TRUE(card.killButton()->isEnabled());
    EXPECT_FALSE(card.restoreButton()->isEnabled());
}

TEST_F(StoreCardTest, ButtonsAskForKillAndRestore)
{
    StoreCard card;
    QSignalSpy kills(&card, &StoreCard::killRequested);
    QSignalSpy restores(&card, &StoreCard::restoreRequested);
    card.showStore(shared());
    QTest::mouseClick(card.killButton(), Qt::LeftButton);
    EXPECT_EQ(kills.count(), 1);
    StoreView v = shared();
    v.killed = true;
    v.up = false;
    card.showStore(v);
    QTest::mouseClick(card.restoreButton(), Qt::LeftButton);
    QTest::mouseClick(card.killButton(), Qt::LeftButton); // disabled: nothing
    EXPECT_EQ(restores.count(), 1);
    EXPECT_EQ(kills.count(), 1);
}

TEST_F(StoreCardTest, ASignedCookieShowsItsCostAndNothingToKill)
{
    StoreCard card;
    card.showStore(signedCookie());
    EXPECT_EQ(card.titleText(), "Session store: signed cookie");
    EXPECT_EQ(card.stateText(), "");
    EXPECT_TRUE(card.statusText().contains("no server keeps anything")) << card.statusText().toStdString();
    const QString stats = card.statsText();
    EXPECT_TRUE(stats.contains("398 ops/s")) << stats.toStdString();
    EXPECT_TRUE(stats.contains("sign/check p50 4 µs / p99 9 µs")) << stats.toStdString();
    EXPECT_TRUE(stats.contains("cookie 61 B per request (a session id is 29 B)")) << stats.toStdString();
    EXPECT_TRUE(stats.contains("4 invalid tokens refused")) << stats.toStdString();
    EXPECT_FALSE(card.killButton()->isVisibleTo(&card));
    EXPECT_FALSE(card.killButton()->isEnabled());
    EXPECT_FALSE(card.restoreButton()->isEnabled());
}

TEST_F(StoreCardTest, SessionsOnEachServerAreOneLineWithNothingToKill)
{
    StoreCard card;
    card.showStore(shared());
    card.showStore(StoreView{});
    EXPECT_EQ(card.titleText(), "Sessions: on each server");
    EXPECT_TRUE(card.statusText().contains("a server that dies takes its users' sessions")) << card.statusText().toStdString();
    EXPECT_EQ(card.stateText(), "");
    EXPECT_EQ(card.statsText(), "");
    EXPECT_FALSE(card.killButton()->isEnabled());
    EXPECT_FALSE(card.restoreButton()->isEnabled());
}

TEST_F(StoreCardTest, LatenciesReadInMicrosecondsBelowAMillisecond)
{
    EXPECT_EQ(StoreCard::latencyText(0), "0 µs");
    EXPECT_EQ(StoreCard::latencyText(84), "84 µs");
    EXPECT_EQ(StoreCard::latencyText(1'250), "1.25 ms");
    EXPECT_EQ(StoreCard::latencyText(12'340), "12.3 ms");
}

TEST_F(StoreCardTest, TheServersPanelShowsTheStoreAboveTheServersAndForwardsItsCommands)
{
    ServersPanel panel;
    QSignalSpy kills(&panel, &ServersPanel::storeKillRequested);
    QSignalSpy restores(&panel, &ServersPanel::storeRestoreRequested);
    lblab::Snapshot s;
    lblab::BackendView b;
    b.name = "s1";
    s.servers.push_back(b);
    s.store = shared();
    panel.showSnapshot(s);
    ASSERT_NE(panel.storeCard(), nullptr);
    EXPECT_EQ(panel.storeCard()->titleText(), "Session store: Redis");
    // The servers keep no sessions of their own here: their cards do not count any.
    ASSERT_NE(panel.card("s1"), nullptr);
    EXPECT_FALSE(panel.card("s1")->statsText().contains("sessions")) << panel.card("s1")->statsText().toStdString();
    QTest::mouseClick(panel.storeCard()->killButton(), Qt::LeftButton);
    EXPECT_EQ(kills.count(), 1);
    s.store.killed = true;
    s.store.up = false;
    panel.showSnapshot(s);
    EXPECT_EQ(panel.storeCard()->stateText(), "KILLED");
    QTest::mouseClick(panel.storeCard()->restoreButton(), Qt::LeftButton);
    EXPECT_EQ(restores.count(), 1);
    EXPECT_EQ(kills.count(), 1);

    // On top, above the server cards, and room is kept for it when the sessions live in a store.
    panel.resize(480, 600);
    panel.show();
    QApplication::processEvents();
    EXPECT_TRUE(panel.storeCard()->isVisible());
    const QPoint storeAt = panel.storeCard()->mapTo(&panel, QPoint(0, 0));
    EXPECT_LT(storeAt.y(), 10) << "the store card is on top, above the server cards";
    EXPECT_GE(panel.heightFor(3, 480, SessionStoreKind::Shared),
              panel.heightFor(3, 480) + panel.storeCard()->height());
    EXPECT_GT(panel.heightFor(3, 480, SessionStoreKind::Client), panel.heightFor(3, 480));

    // Sessions on each server: no card; the server cards count the sessions.
    s.store = {};
    panel.showSnapshot(s);
    EXPECT_FALSE(panel.storeCard()->isVisibleTo(&panel));
    EXPECT_TRUE(panel.card("s1")->statsText().contains("sessions")) << panel.card("s1")->statsText().toStdString();
}

TEST_F(StoreCardTest, SaveScreenshots)
{
    for (const auto& [name, view] : {std::pair{QStringLiteral("store_card_shared"), shared()},
                                     std::pair{QStringLiteral("store_card_client"), signedCookie()},
                                     std::pair{QStringLiteral("store_card_local"), StoreView{}}}) {
        StoreCard card;
        card.showStore(view);
        EXPECT_FALSE(lblab::test::savePanelGrab(card, name, QSize(470, card.sizeHint().height())).isEmpty());
    }
    StoreView killed = shared();
    killed.killed = true;
    killed.up = false;
    StoreCard card;
    card.showStore(killed);
    EXPECT_FALSE(lblab::test::savePanelGrab(card, "store_card_killed", QSize(470, card.sizeHint().height())).isEmpty());
}
