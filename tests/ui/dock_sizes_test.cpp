// The first show's dock sizes on the projectors a class has: 1600x1000 as it always was, and on
// 1280x800 or 1366x768 a column wide enough for the tabs' names with the map keeping its room.

#include "ui/dock_sizes.h"

#include <gtest/gtest.h>

using lblab::ui::DockSizes;

namespace {

constexpr int kTabs = 538; // the tab bar's names whole at the normal text size

} // namespace

TEST(DockSizesTest, The1600PixelWindowKeepsItsProportions)
{
    EXPECT_EQ(DockSizes::column(1600, kTabs), 576) << "36 % of the width";
    EXPECT_EQ(DockSizes::charts(1000), 230) << "23 % of the height";
}

TEST(DockSizesTest, ASmallProjectorsColumnHoldsTheTabsNamesWhole)
{
    EXPECT_EQ(DockSizes::column(1280, kTabs), kTabs) << "36 % (460 px) would elide them";
    EXPECT_EQ(DockSizes::column(1366, kTabs), kTabs);
    EXPECT_GE(1280 - DockSizes::column(1280, kTabs), DockSizes::kMinCentre) << "the map keeps its room";
    EXPECT_EQ(DockSizes::column(1185, kTabs), 1185 - DockSizes::kMinCentre) << "the narrowest window: the map first";
    EXPECT_EQ(DockSizes::column(1000, kTabs), DockSizes::kMinColumn) << "never narrower than kMinColumn";
    EXPECT_EQ(DockSizes::column(1280, 0), DockSizes::kMinColumn) << "no tabs shown";
}

TEST(DockSizesTest, TheServersTakeTheFirstChoiceThatLeavesTheTabsTheirRows)
{
    // Three cards and "Add server" (259) if the tabs keep two rows (199), else three cards (232) if they
    // keep one (174), then two cards (168), then one (104).
    const auto split = [](int column) {
        return DockSizes::servers(column, {{259, 199}, {232, 174}, {168, 174}, {104, 174}});
    };
    EXPECT_EQ(split(606), 259) << "1600x1000";
    EXPECT_EQ(split(452), 232) << "1280x800: Add server goes below the fold";
    EXPECT_EQ(split(420), 232) << "1366x768";
    EXPECT_EQ(split(350), 168);
    EXPECT_EQ(split(300), 104);
    EXPECT_EQ(split(200), 26) << "nothing fits: the tabs keep what the last choice asks";
    EXPECT_EQ(DockSizes::servers(300, {}), 300);
}
