#include "ui/pin_table_panel.h"
#include "ui/pin_table_model.h"

#include "panels_qt_app.h"

#include <QItemSelectionModel>
#include <QSortFilterProxyModel>
#include <QTableView>

#include <gtest/gtest.h>

using lblab::ui::PinTableModel;
using lblab::ui::PinTablePanel;

namespace {

lblab::Snapshot makeSnapshot(std::int64_t tUs = 10'000'000)
{
    lblab::Snapshot snap;
    snap.tUs = tUs;
    snap.policy = "source-ip-affinity";
    snap.policyStateful = true;
    for (const char* name : {"s1", "s2", "s3"}) {
        lblab::BackendView s;
        s.name = name;
        snap.servers.push_back(s);
    }
    const std::vector<std::pair<std::string, int>> keys = {
        {"127.0.1.10", 0}, {"127.0.1.11", 1}, {"127.0.1.12", 2}, {"127.0.2.40", 0}, {"127.0.2.41", 2}};
    std::uint64_t hits[] = {5, 40, 12, 1, 27};
    for (std::size_t i = 0; i < keys.size(); ++i) {
        lblab::SessionRow row;
        row.key = keys[i].first;
        row.backend = keys[i].second;
        row.createdUs = 1'000'000 * static_cast<std::int64_t>(i);
        row.lastUsedUs = 9'000'000;
        row.hits = hits[i];
        row.expiresUs = i == 4 ? -1 : 309'000'000;
        snap.table.push_back(row);
    }
    snap.tableSize = 120;
    return snap;
}

QString cell(const PinTablePanel& panel, int row, int column)
{
    return panel.proxy()->index(row, column).data().toString();
}

class PinTablePanelTest : public ::testing::Test {
protected:
    void SetUp() override { lblab::test::panelsQtApp(); }
};

} // namespace

TEST_F(PinTablePanelTest, ShowsRowsAndHeader)
{
    PinTablePanel panel;
    panel.showSnapshot(makeSnapshot());
    EXPECT_FALSE(panel.showsStatelessExplanation());
    EXPECT_EQ(panel.shownRowCount(), 5);
    EXPECT_EQ(panel.headerText(), QStringLiteral("120 pins in the table (showing 5)"));
    // Find the row of 127.0.1.11 and check its cells.
    int row = -1;
    for (int r = 0; r < panel.shownRowCount(); ++r)
        if (cell(panel, r, PinTableModel::Key) == QStringLiteral("127.0.1.11"))
            row = r;
    ASSERT_GE(row, 0);
    EXPECT_EQ(cell(panel, row, PinTableModel::Backend), QStringLiteral("s2"));
    EXPECT_EQ(cell(panel, row, PinTableModel::Age), QStringLiteral("9.0"));
    EXPECT_EQ(cell(panel, row, PinTableModel::Idle), QStringLiteral("1.0"));
    EXPECT_EQ(cell(panel, row, PinTableModel::Hits), QStringLiteral("40"));
    EXPECT_EQ(cell(panel, row, PinTableModel::ExpiresIn), QStringLiteral("299.0"));
    EXPECT_TRUE(panel.proxy()->index(row, PinTableModel::Backend).data(Qt::DecorationRole).isValid());
}

TEST_F(PinTablePanelTest, SortsByHitsAndKeepsTheSortAcrossSnapshots)
{
    PinTablePanel panel;
    panel.showSnapshot(makeSnapshot());
    panel.view()->sortByColumn(PinTableModel::Hits, Qt::DescendingOrder);
    EXPECT_EQ(cell(panel, 0, PinTableModel::Hits), QStringLiteral("40"));
    EXPECT_EQ(cell(panel, 4, PinTableModel::Hits), QStringLiteral("1"));

    // A new table arrives: still sorted by hits, descending (numerically: 100 before 40).
    lblab::Snapshot next = makeSnapshot(11'000'000);
    next.table[3].hits = 100;
    panel.showSnapshot(next);
    EXPECT_EQ(cell(panel, 0, PinTableModel::Hits), QStringLiteral("100"));
    EXPECT_EQ(cell(panel, 1, PinTableModel::Hits), QStringLiteral("40"));
}

TEST_F(PinTablePanelTest, FiltersByKeyOrBackend)
{
    PinTablePanel panel;
    panel.showSnapshot(makeSnapshot());
    panel.setFilterText(QStringLiteral("127.0.2."));
    EXPECT_EQ(panel.shownRowCount(), 2);
    EXPECT_EQ(panel.headerText(), QStringLiteral("120 pins in the table (showing 2)"));
    panel.setFilterText(QStringLiteral("S3"));
    EXPECT_EQ(panel.shownRowCount(), 2);
    panel.setFilterText(QStringLiteral("40")); // the key 127.0.2.40, not the row with 40 hits
    EXPECT_EQ(panel.shownRowCount(), 1);
    panel.setFilterText(QStringLiteral("nothing"));
    EXPECT_EQ(panel.shownRowCount(), 0);
    panel.setFilterText(QString());
    EXPECT_EQ(panel.shownRowCount(), 5);
}

TEST_F(PinTablePanelTest, ResetsOnlyWhenRowsChangeAndKeepsSelection)
{
    PinTablePanel panel;
    panel.showSnapshot(makeSnapshot());
    const int resets = panel.resetCount();
    // Only the clock moved: no reset, but the ages follow.
    panel.showSnapshot(makeSnapshot(12'000'000));
    EXPECT_EQ(panel.resetCount(), resets);

    panel.view()->sortByColumn(PinTableModel::Key, Qt::AscendingOrder);
    panel.view()->selectRow(2); // 127.0.1.12
    lblab::Snapshot next = makeSnapshot(13'000'000);
    next.table[2].hits = 13;
    panel.showSnapshot(next);
    EXPECT_EQ(panel.resetCount(), resets + 1);
    const QModelIndexList selected = panel.view()->selectionModel()->selectedRows(PinTableModel::Key);
    ASSERT_EQ(selected.size(), 1);
    EXPECT_EQ(selected.front().data().toString(), QStringLiteral("127.0.1.12"));
}

TEST_F(PinTablePanelTest, StatelessPolicyShowsExplanationInsteadOfTable)
{
    PinTablePanel panel;
    panel.showSnapshot(makeSnapshot());
    lblab::Snapshot stateless;
    stateless.policy = "round-robin";
    stateless.policyStateful = false;
    panel.showSnapshot(stateless);
    EXPECT_TRUE(panel.showsStatelessExplanation());
    EXPECT_TRUE(panel.statelessText().contains(QStringLiteral("keeps no session table")));
    EXPECT_TRUE(panel.statelessText().contains(QStringLiteral("Round robin")));
    EXPECT_TRUE(panel.statelessText().contains(QStringLiteral("Cookie affinity")));
    EXPECT_EQ(panel.shownRowCount(), 0);
    // Back to a stateful policy: the table returns.
    panel.showSnapshot(makeSnapshot());
    EXPECT_FALSE(panel.showsStatelessExplanation());
    EXPECT_EQ(panel.shownRowCount(), 5);
}

TEST_F(PinTablePanelTest, RendersARealisticTable)
{
    lblab::Snapshot snap = makeSnapshot(95'400'000);
    snap.table.clear();
    for (int i = 0; i < 40; ++i) {
        lblab::SessionRow row;
        row.key = "127.0." + std::to_string(3 + i / 20) + "." + std::to_string(10 + i);
        row.backend = i % 3;
        row.createdUs = 1'000'000 * (i % 50);
        row.lastUsedUs = 95'000'000 - 70'000 * i;
        row.hits = static_cast<std::uint64_t>(3 + (i * 37) % 211);
        row.expiresUs = row.lastUsedUs + 300'000'000;
        snap.table.push_back(row);
    }
    snap.tableSize = 1234;
    PinTablePanel panel;
    panel.showSnapshot(snap);
    EXPECT_FALSE(lblab::test::savePanelGrab(panel, QStringLiteral("session_table")).isEmpty());

    PinTablePanel stateless;
    lblab::Snapshot rr;
    rr.policy = "least-connections";
    stateless.showSnapshot(rr);
    EXPECT_FALSE(lblab::test::savePanelGrab(stateless, QStringLiteral("session_table_stateless")).isEmpty());
}

TEST_F(PinTablePanelTest, RefreshesABusyTableAFewTimesASecond)
{
    PinTablePanel panel;
    lblab::Snapshot snap = makeSnapshot(10'000'000);
    panel.showSnapshot(snap);
    const int resets = panel.resetCount();
    // 30 frames in one second, each with a new hit on the first key.
    for (int frame = 1; frame <= 30; ++frame) {
        snap.tUs += 33'333;
        snap.table[0].hits += 1;
        panel.showSnapshot(snap);
    }
    EXPECT_GE(panel.resetCount() - resets, 3);
    EXPECT_LE(panel.resetCount() - resets, 5);
    // The last change is shown once the next refresh is due.
    snap.tUs += 300'000;
    panel.showSnapshot(snap);
    int row = -1;
    for (int r = 0; r < panel.shownRowCount(); ++r)
        if (cell(panel, r, PinTableModel::Key) == QStringLiteral("127.0.1.10"))
            row = r;
    ASSERT_GE(row, 0);
    EXPECT_EQ(cell(panel, row, PinTableModel::Hits), QStringLiteral("35"));
}
