// The flow view's captions on a narrow view: shortened to a wording that fits, not cut.

#include "ui/flow_words.h"

#include "qt_app.h"

#include <QFont>
#include <QFontMetrics>

#include <gtest/gtest.h>

using lblab::ui::FlowWords;

TEST(FlowWordsTest, TheLongestWordingThatFitsWins)
{
    lblab::test::qtApp();
    const QFontMetrics fm(QFont(QStringLiteral("DejaVu Sans"), 12));
    const QStringList clients = FlowWords::clientsCaption(60, 6);
    ASSERT_EQ(clients.size(), 2);
    EXPECT_EQ(clients.front(), QStringLiteral("Clients (60, 6 per row)"));
    EXPECT_EQ(clients.back(), QStringLiteral("Clients (60)"));
    EXPECT_EQ(FlowWords::clientsCaption(20, 1), QStringList{QStringLiteral("Clients (20)")}) << "a row each: nothing to say";

    EXPECT_EQ(FlowWords::fitting(fm, clients, 1000), clients.front());
    const int shortWidth = fm.horizontalAdvance(clients.back());
    EXPECT_EQ(FlowWords::fitting(fm, clients, shortWidth), clients.back()) << "too narrow for the rows per row";
    const QString squeezed = FlowWords::fitting(fm, clients, shortWidth / 2);
    EXPECT_TRUE(squeezed.endsWith(QChar(0x2026))) << "narrower than every wording: the shortest, elided";
    EXPECT_LE(fm.horizontalAdvance(squeezed), shortWidth / 2);

    const QStringList table = FlowWords::tableCaption(176);
    EXPECT_EQ(table.front(), QStringLiteral("Table: 176 pins, latest first"));
    EXPECT_EQ(table.back(), QStringLiteral("176 pins"));
    EXPECT_EQ(FlowWords::balancerCaption(true, 176).front(), QStringLiteral("Balancer (176 pins)"));
    EXPECT_EQ(FlowWords::balancerCaption(false, 0), QStringList{QStringLiteral("Balancer")}) << "a stateless policy keeps none";
}
