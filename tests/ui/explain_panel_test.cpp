#include "ui/explain_panel.h"
#include "ui/policy_explanations.h"

#include "panels_qt_app.h"

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
