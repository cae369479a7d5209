#include "ui/explain_panel.h"
#include "ui/policy_explanations.h"

#include "panels_qt_app.h"

#include <QApplication>
#include <QLabel>

#include <gtest/gtest.h>

#include <set>

using lblab::ui::ExplainPanel;

namespace {

const std::vector<std::string> kPolicyIds = {
    "round-robin", "weighted-round-robin", "random", "least-connections", "power-of-two",
    "ip-hash", "url-hash", "geo", "consistent-hash", "source-ip-affinity",
    "cookie-affinity", "session-affinity", "url-param-affinity"};

class ExplainPanelTest : public ::testing::Test {
protected:
    void SetUp() override { lblab::test::panelsQtApp(); }
};

} // namespace

TEST_F(ExplainPanelTest, EveryPolicyHasItsOwnExplanation)
{
    ASSERT_EQ(lblab::ui::allPolicyExplanations().size(), kPolicyIds.size());
    std::set<QString> texts;
    for (const std::string& id : kPolicyIds) {
        const lblab::ui::PolicyExplanation* e = lblab::ui::findPolicyExplanation(id);
        ASSERT_NE(e, nullptr) << id;
        EXPECT_FALSE(e->decidesFrom.isEmpty()) << id;
        EXPECT_FALSE(e->watch.isEmpty()) << id;
        EXPECT_FALSE(e->weakness.isEmpty()) << id;
        texts.insert(e->decidesFrom);
        const bool stateful = id.find("affinity") != std::string::npos;
        EXPECT_EQ(e->stateful, stateful) << id;
    }
    EXPECT_EQ(texts.size(), kPolicyIds.size());
    EXPECT_EQ(lblab::ui::findPolicyExplanation("no-such-policy"), nullptr);
    EXPECT_EQ(lblab::ui::statefulPolicyNames().size(), 4);
}

TEST_F(ExplainPanelTest, ShowsTheCurrentPolicysText)
{
    ExplainPanel panel;
    for (const std::string& id : kPolicyIds) {
        lblab::Snapshot snap;
        snap.policy = id;
        snap.policyStateful = id.find("affinity") != std::string::npos;
        panel.showSnapshot(snap);
        const lblab::ui::PolicyExplanation* e = lblab::ui::findPolicyExplanation(id);
        ASSERT_NE(e, nullptr);
        EXPECT_TRUE(panel.policyText().contains(e->name.toHtmlEscaped())) << id;
        EXPECT_TRUE(panel.policyText().contains(e->weakness.toHtmlEscaped())) << id;
        EXPECT_TRUE(panel.policyText().contains(e->stateful ? QStringLiteral("stateful") : QStringLiteral("stateless")))
            << id;
    }
    lblab::Snapshot unknown;
    unknown.policy = "my-own<policy>";
    panel.showSnapshot(unknown);
    EXPECT_TRUE(panel.policyText().contains(QStringLiteral("my-own&lt;policy&gt;")));
    EXPECT_TRUE(panel.policyText().contains(QStringLiteral("No explanation")));
}

TEST_F(ExplainPanelTest, SourceIpAndCookieAffinityTellTheMobileStory)
{
    const auto* sourceIp = lblab::ui::findPolicyExplanation("source-ip-affinity");
    const auto* cookie = lblab::ui::findPolicyExplanation("cookie-affinity");
    ASSERT_TRUE(sourceIp && cookie);
    EXPECT_TRUE(sourceIp->weakness.contains(QStringLiteral("network")));
    EXPECT_TRUE(cookie->watch.contains(QStringLiteral("IP changes")));
}

TEST_F(ExplainPanelTest, ShowsThePreset)
{
    ExplainPanel panel;
    lblab::LabConfig config;
    config.preset = "mobile-users";
    config.title = "Mobile users & source-IP affinity";
    config.whatItShows = "Phones change networks.";
    config.whatToWatch = "Watch the white flashes.";
    panel.showPreset(config);
    EXPECT_TRUE(panel.presetText().contains(QStringLiteral("Mobile users &amp; source-IP affinity")));
    EXPECT_TRUE(panel.presetText().contains(QStringLiteral("Phones change networks.")));
    EXPECT_TRUE(panel.presetText().contains(QStringLiteral("Watch the white flashes.")));
}

TEST_F(ExplainPanelTest, PutsTheOutcomeInWords)
{
    lblab::Snapshot snap;
    snap.tUs = 30'000'000;
    snap.policy = "source-ip-affinity";
    snap.policyStateful = true;
    snap.tableSize = 57;
    snap.totals.requests = 5230;
    snap.totals.errors = 3;
    snap.totals.sessionRequests = 1204;
    snap.totals.sessionMisses = 312;
    snap.totals.ipChanges = 40;
    snap.totals.affinityBreaks = 38;
    snap.totals.repins = 12;
    snap.totals.remappedClients = 1;
    ExplainPanel panel;
    panel.showSnapshot(snap);
    const QString text = panel.outcomeText();
    EXPECT_TRUE(text.contains(QStringLiteral("312 of 1,204 account requests (26%) missed their session"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("5,230 requests so far, 3 errors")));
    EXPECT_TRUE(text.contains(QStringLiteral("40 times")));
    EXPECT_TRUE(text.contains(QStringLiteral("38 clients moved")));
    EXPECT_TRUE(text.contains(QStringLiteral("12 pins")));
    EXPECT_TRUE(text.contains(QStringLiteral("1 client moved")));
    EXPECT_TRUE(text.contains(QStringLiteral("holds 57 pins")));

    // A change of the outcome shows at once; a mere request count waits a little.
    snap.totals.sessionMisses = 313;
    snap.tUs += 30'000;
    panel.showSnapshot(snap);
    EXPECT_TRUE(panel.outcomeText().contains(QStringLiteral("313 of 1,204")));
    snap.totals.requests = 5231;
    snap.tUs += 30'000;
    panel.showSnapshot(snap);
    EXPECT_TRUE(panel.outcomeText().contains(QStringLiteral("5,230 requests")));
    snap.tUs += 300'000;
    panel.showSnapshot(snap);
    EXPECT_TRUE(panel.outcomeText().contains(QStringLiteral("5,231 requests")));
}

TEST_F(ExplainPanelTest, OutcomeOfAQuietStatelessRun)
{
    lblab::Snapshot snap;
    snap.policy = "round-robin";
    const QString text = ExplainPanel::describeOutcome(snap);
    EXPECT_TRUE(text.contains(QStringLiteral("no errors")));
    EXPECT_TRUE(text.contains(QStringLiteral("No request has needed")));
    EXPECT_TRUE(text.contains(QStringLiteral("keeps no table")));
    snap.totals.sessionRequests = 1000;
    snap.totals.sessionMisses = 4;
    EXPECT_TRUE(ExplainPanel::describeOutcome(snap).contains(QStringLiteral("(0.4%)")));
}

TEST_F(ExplainPanelTest, RendersReadably)
{
    ExplainPanel panel;
    lblab::LabConfig config;
    config.preset = "mobile-users";
    config.title = "Mobile users and source-IP affinity";
    config.whatItShows = "Half of the users are phones that change networks every few seconds. Source-IP affinity "
                         "pins by address, so each change sends the user to a new server without their session.";
    config.whatToWatch = "The white flashes on the map (IP changes), the session-miss line on the charts, and how "
                         "both drop to zero when you switch to cookie affinity.";
    panel.showPreset(config);
    lblab::Snapshot snap;
    snap.policy = "source-ip-affinity";
    snap.policyStateful = true;
    snap.tableSize = 57;
    snap.totals.requests = 5230;
    snap.totals.sessionRequests = 1204;
    snap.totals.sessionMisses = 312;
    snap.totals.ipChanges = 40;
    snap.totals.affinityBreaks = 38;
    snap.totals.repins = 12;
    panel.showSnapshot(snap);
    EXPECT_FALSE(lblab::test::savePanelGrab(panel, QStringLiteral("explain"), QSize(600, 900)).isEmpty());
}

TEST_F(ExplainPanelTest, SaysWhereTheSessionsLiveAndWhatAKilledStoreDoes)
{
    using lblab::SessionStoreKind;
    auto description = [](SessionStoreKind kind) {
        return QString::fromStdString(std::string(lblab::SessionStoreCatalog::description(kind))).toHtmlEscaped();
    };
    ExplainPanel panel;
    lblab::Snapshot snap;
    snap.policy = "round-robin";
    panel.showSnapshot(snap);
    EXPECT_TRUE(panel.storeText().contains("Where sessions live: On each server")) << panel.storeText().toStdString();
    EXPECT_TRUE(panel.storeText().contains(description(SessionStoreKind::Local)));

    snap.store.kind = SessionStoreKind::Shared;
    snap.store.up = true;
    panel.showSnapshot(snap);
    EXPECT_TRUE(panel.storeText().contains("Where sessions live: Shared (Redis)"));
    EXPECT_TRUE(panel.storeText().contains(description(SessionStoreKind::Shared)));
    EXPECT_TRUE(panel.storeText().contains("single point of failure")) << "the policies' weakness moves to the store";
    EXPECT_FALSE(panel.storeText().contains("is dead"));
    // A shared store is the run's lesson: above the policy; sessions on each server come under it.
    auto storeAbovePolicy = [&panel] {
        const QLabel* store = nullptr;
        const QLabel* policy = nullptr;
        for (const QLabel* l : panel.findChildren<QLabel*>()) {
            store = l->text() == panel.storeText() ? l : store;
            policy = l->text() == panel.policyText() ? l : policy;
        }
        panel.resize(500, 2000);
        panel.show();
        QApplication::processEvents();
        return store && policy && store->y() < policy->y();
    };
    EXPECT_TRUE(storeAbovePolicy());

    // Killed: every server's users at once, against one server's users under stickiness.
    snap.store.killed = true;
    snap.store.up = false;
    panel.showSnapshot(snap);
    const QString killed = panel.storeText();
    EXPECT_TRUE(killed.contains("every server's logged-in users fail at once")) << killed.toStdString();
    EXPECT_TRUE(killed.contains("only the users pinned to it")) << killed.toStdString();

    snap.store.killed = false;
    panel.showSnapshot(snap);
    EXPECT_TRUE(panel.storeText().contains("not answering")) << panel.storeText().toStdString();
    snap.store.up = true;
    panel.showSnapshot(snap);
    EXPECT_FALSE(panel.storeText().contains("not answering"));

    snap.store.kind = SessionStoreKind::Client;
    panel.showSnapshot(snap);
    EXPECT_TRUE(panel.storeText().contains("Where sessions live: Signed cookie"));
    EXPECT_TRUE(panel.storeText().contains(description(SessionStoreKind::Client)));
    EXPECT_TRUE(storeAbovePolicy());
    snap.store = {};
    panel.showSnapshot(snap);
    EXPECT_FALSE(storeAbovePolicy());
}

TEST_F(ExplainPanelTest, TheOutcomeSaysWhatAMissMeansForTheStore)
{
    lblab::Snapshot snap;
    snap.policy = "round-robin";
    snap.totals.sessionRequests = 1000;
    snap.totals.sessionMisses = 300;
    snap.store.kind = lblab::SessionStoreKind::Shared;
    EXPECT_TRUE(ExplainPanel::describeOutcome(snap).contains("lost their session</b>: the shared store was down"));
    snap.store.kind = lblab::SessionStoreKind::Client;
    snap.totals.sessionMisses = 0;
    snap.totals.invalidSessions = 7;
    const QString text = ExplainPanel::describeOutcome(snap);
    EXPECT_TRUE(text.contains("valid signed cookie")) << text.toStdString();
    EXPECT_TRUE(text.contains("7 signed cookies were refused")) << text.toStdString();
}
