#include "ui/outcome_table.h"

#include "qt_app.h"

#include <QHeaderView>

#include <gtest/gtest.h>

using lblab::BackendState;
using lblab::BackendView;
using lblab::Snapshot;
using lblab::ui::OutcomeTable;

namespace {

Snapshot snapshot(std::vector<std::uint64_t> perServer, std::uint64_t sessionRequests, std::uint64_t misses)
{
    Snapshot s;
    for (std::size_t i = 0; i < perServer.size(); ++i) {
        BackendView v;
        v.name = "s" + std::to_string(i + 1);
        v.requests = perServer[i];
        s.servers.push_back(v);
        s.totals.requests += perServer[i];
    }
    s.totals.sessionRequests = sessionRequests;
    s.totals.sessionMisses = misses;
    return s;
}

class OutcomeTableTest : public ::testing::Test {
protected:
    void SetUp() override { lblab::test::qtApp(); }
};

} // namespace

TEST_F(OutcomeTableTest, ShowsBothRunsAndTheirDifference)
{
    OutcomeTable table;
    table.setPolicies("Round robin", "Cookie affinity");
    Snapshot a = snapshot({100, 100, 100}, 200, 130);
    Snapshot b = snapshot({150, 100, 50}, 200, 0);
    b.tableSize = 40;
    table.showSnapshots(&a, &b);
    EXPECT_EQ(table.cellText("requests", OutcomeTable::ColumnA), "300");
    EXPECT_EQ(table.cellText("requests", OutcomeTable::ColumnDifference), "0");
    EXPECT_EQ(table.cellText("session misses", OutcomeTable::ColumnA), "130");
    EXPECT_EQ(table.cellText("session misses", OutcomeTable::ColumnB), "0");
    EXPECT_EQ(table.cellText("session misses", OutcomeTable::ColumnDifference), "-130");
    EXPECT_EQ(table.cellText("miss rate", OutcomeTable::ColumnA), "65.0 %");
    EXPECT_EQ(table.cellText("miss rate", OutcomeTable::ColumnDifference), "-65.0 pt");
    EXPECT_EQ(table.cellText("table size", OutcomeTable::ColumnDifference), "+40");
    EXPECT_EQ(table.cellText("Jain fairness", OutcomeTable::ColumnA), "1.000");
    EXPECT_EQ(table.cellText("max/mean", OutcomeTable::ColumnB), "1.50");
    EXPECT_EQ(table.cellText("s1 requests", OutcomeTable::ColumnB), "150 (50.0 %)");
    EXPECT_EQ(table.cellText("s3 requests", OutcomeTable::ColumnDifference), "-50");
    EXPECT_TRUE(table.horizontalHeaderItem(0)->text().contains("Round robin"));
    EXPECT_EQ(table.rowCount(), 12 + 3);
}

TEST_F(OutcomeTableTest, AMissingRunShowsDashesAndServersFollowTheSet)
{
    OutcomeTable table;
    Snapshot a = snapshot({10, 20}, 0, 0);
    table.showSnapshots(&a, nullptr);
    EXPECT_EQ(table.cellText("requests", OutcomeTable::ColumnA), "30");
    EXPECT_EQ(table.cellText("requests", OutcomeTable::ColumnB), "–");
    EXPECT_EQ(table.cellText("requests", OutcomeTable::ColumnDifference), "–");
    EXPECT_EQ(table.rowOf("s3 requests"), -1);

    Snapshot bigger = snapshot({10, 20, 5}, 0, 0);
    bigger.servers[1].state = BackendState::Removed;
    table.showSnapshots(&bigger, &bigger);
    EXPECT_GE(table.rowOf("s3 requests"), 0) << "an added server gets its row";
    EXPECT_EQ(table.cellText("requests", OutcomeTable::ColumnDifference), "0");
    // Fairness is over the servers still in the set (s1 and s3).
    EXPECT_EQ(OutcomeTable::summaryOf(bigger).maxOverMean, 10.0 / 7.5);
    EXPECT_EQ(table.cellText("nonsense", OutcomeTable::ColumnA), "");
}
