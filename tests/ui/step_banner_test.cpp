#include "ui/step_banner.h"

#include "qt_app.h"

#include "core/record/why_text.h"

#include <QLabel>

#include <gtest/gtest.h>

using lblab::DecisionKind;
using lblab::RequestEvent;
using lblab::SessionOutcome;
using lblab::Snapshot;
using lblab::ui::StepBanner;

namespace {

Snapshot stepping(std::uint64_t steps)
{
    Snapshot s;
    s.state = lblab::RunState::Running;
    s.stepping = true;
    s.steps = steps;
    s.stepClient = "c3";
    s.stepUs = 2'000'000;
    for (const char* name : {"s1", "s2", "s3"}) {
        lblab::BackendView v;
        v.name = name;
        s.servers.push_back(v);
    }
    return s;
}

RequestEvent stepRequest()
{
    RequestEvent e;
    e.tUs = 2'001'000;
    e.clientId = "c3";
    e.clientIp = lblab::loopbackAddress(3, 3);
    e.sessionKey = lblab::formatIpv4(e.clientIp);
    e.method = "GET";
    e.path = "/account";
    e.policy = "source-ip-affinity";
    e.decision = DecisionKind::NewPin;
    e.backend = 1;
    e.backendName = "s2";
    e.status = 401;
    e.session = SessionOutcome::Miss;
    return e;
}

TEST(StepBanner, ShowsTheStepsRequestLargeWithItsWhy)
{
    lblab::test::qtApp();
    StepBanner banner;
    Snapshot s = stepping(0);
    banner.showSnapshot(s);
    EXPECT_TRUE(banner.isVisible());
    EXPECT_FALSE(banner.showsRequest());
    EXPECT_TRUE(banner.why().contains(QStringLiteral("N"))) << "it says which key steps";

    s = stepping(1);
    banner.showSnapshot(s);
    EXPECT_FALSE(banner.showsRequest()) << "the request is not captured yet";
    EXPECT_TRUE(banner.headline().contains(QStringLiteral("c3")));

    RequestEvent other = stepRequest();
    other.clientId = "c9"; // an outside client's request at the same time is not the step's
    s.recentRequests = {stepRequest(), other};
    banner.showSnapshot(s);
    ASSERT_TRUE(banner.showsRequest());
    EXPECT_TRUE(banner.headline().contains(QStringLiteral("c3")));
    EXPECT_TRUE(banner.headline().contains(QString::fromStdString(lblab::formatIpv4(stepRequest().clientIp))));
    EXPECT_TRUE(banner.headline().contains(QStringLiteral("s2")));
    const std::vector<std::string> names = {"s1", "s2", "s3"};
    const QString why = QString::fromStdString(lblab::whyText(stepRequest(), names));
    ASSERT_FALSE(why.isEmpty());
    EXPECT_TRUE(banner.why().contains(why)) << banner.why().toStdString();
    EXPECT_TRUE(banner.outcome().contains(QStringLiteral("/account")));
    EXPECT_TRUE(banner.outcome().contains(QStringLiteral("401")));
    EXPECT_TRUE(banner.outcome().contains(QStringLiteral("LOST")));
    EXPECT_GT(banner.findChild<QLabel*>()->font().pointSizeF(), banner.font().pointSizeF()) << "large type";

    // The next step waits for its own request; leaving step mode hides the banner.
    s.steps = 2;
    s.stepUs = 3'000'000;
    banner.showSnapshot(s);
    EXPECT_FALSE(banner.showsRequest()) << "step 1's request is not step 2's";
    s.stepping = false;
    banner.showSnapshot(s);
    EXPECT_FALSE(banner.isVisible());
}

} // namespace
