// Change markers from the lab's event log: one per entry however often a snapshot repeats it, kept
// after the bounded log lets it go, and labelled so a class can read them.

#include "ui/chart_markers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

using lblab::LabEvent;
using lblab::LabEventKind;
using lblab::ui::ChartMarker;
using lblab::ui::ChartMarkers;

namespace {

LabEvent entry(double seconds, LabEventKind kind, std::string subject, std::string detail = {})
{
    return LabEvent{static_cast<std::int64_t>(seconds * 1e6), kind, std::move(subject), std::move(detail)};
}

// What a snapshot carries: the last `capacity` entries of everything logged so far.
std::vector<LabEvent> lastOf(const std::vector<LabEvent>& all, std::size_t capacity)
{
    const std::size_t from = all.size() > capacity ? all.size() - capacity : 0;
    return {all.begin() + static_cast<std::ptrdiff_t>(from), all.end()};
}

std::string numbered(const char* prefix, std::size_t i)
{
    std::string out = prefix;
    out += std::to_string(i);
    return out;
}

std::vector<QString> labels(const ChartMarkers& markers)
{
    std::vector<QString> out;
    for (const ChartMarker& m : markers.markers())
        out.push_back(m.label);
    return out;
}

} // namespace

TEST(ChartMarkersTest, LabelsSayWhatChanged)
{
    const std::vector<std::pair<LabEvent, QString>> cases = {
        {entry(1, LabEventKind::PolicySwitched, "cookie-affinity", "from round-robin; 12 pins dropped"),
         QStringLiteral("→ cookie-affinity")},
        {entry(1, LabEventKind::BackendDown, "s2", "killed: stopped accepting and dropped its connections"),
         QStringLiteral("s2 killed")},
        {entry(1, LabEventKind::BackendDown, "s3", "health check failed"), QStringLiteral("s3 down")},
        {entry(1, LabEventKind::BackendUp, "s2", "health check passed"), QStringLiteral("s2 up")},
        {entry(1, LabEventKind::BackendAdded, "s4", "added to the set"), QStringLiteral("+ s4")},
        {entry(1, LabEventKind::BackendRemoved, "s4", "removed from the set"), QStringLiteral("s4 removed")},
        {entry(1, LabEventKind::BackendDraining, "s1", "draining"), QStringLiteral("s1 draining")},
        {entry(1, LabEventKind::Note, "timeline", "Now the phones move"), QStringLiteral("Now the phones move")},
        {entry(1, LabEventKind::Note, "user", "look at s2"), QStringLiteral("look at s2")},
    };
    for (const auto& [event, label] : cases) {
        ChartMarker m;
        ASSERT_TRUE(ChartMarkers::markerFor(event, m)) << event.subject;
        EXPECT_EQ(m.label, label);
        EXPECT_DOUBLE_EQ(m.x, 1.0);
    }
    ChartMarker policy;
    ASSERT_TRUE(ChartMarkers::markerFor(cases[0].first, policy));
    EXPECT_EQ(policy.fromPolicy, QStringLiteral("round-robin"));
    EXPECT_EQ(policy.policy, QStringLiteral("cookie-affinity"));

    // The lab's own chatter and single IP changes make no marker of their own.
    ChartMarker none;
    EXPECT_FALSE(ChartMarkers::markerFor(entry(1, LabEventKind::Note, "clients", "moving 30% of users"), none));
    EXPECT_FALSE(ChartMarkers::markerFor(entry(1, LabEventKind::RunStarted, "p", "policy x"), none));
    EXPECT_FALSE(ChartMarkers::markerFor(entry(1, LabEventKind::IpChanged, "c1", "127.0.0.2 -> 127.0.9.1"), none));
    EXPECT_FALSE(ChartMarkers::markerFor(entry(1, LabEventKind::RateChanged, "clients", "200 req/s"), none));

    // A long note is cut so its label stays short.
    ChartMarker note;
    ASSERT_TRUE(ChartMarkers::markerFor(
        entry(1, LabEventKind::Note, "timeline", "An account page that lands on a server without the session is a miss"),
        note));
    EXPECT_LE(note.label.size(), ChartMarkers::kNoteChars);
    EXPECT_TRUE(note.label.endsWith(QStringLiteral("…")));
}

TEST(ChartMarkersTest, EachEntryIsTakenOnceAcrossSnapshots)
{
    std::vector<LabEvent> all{entry(0, LabEventKind::RunStarted, "p", "policy round-robin"),
                              entry(2, LabEventKind::BackendDown, "s2", "killed: stopped")};
    ChartMarkers markers;
    EXPECT_TRUE(markers.addFromLog(all));
    EXPECT_FALSE(markers.addFromLog(all)) << "the same log again brings nothing new";
    all.push_back(entry(3, LabEventKind::BackendUp, "s2", "health check passed"));
    EXPECT_TRUE(markers.addFromLog(all));
    EXPECT_EQ(labels(markers), (std::vector<QString>{QStringLiteral("s2 killed"), QStringLiteral("s2 up")}));
}

TEST(ChartMarkersTest, AKilledServerFailingItsHealthCheckIsNotMarkedTwice)
{
    ChartMarkers markers;
    markers.addFromLog({entry(2, LabEventKind::BackendDown, "s2", "killed: stopped"),
                        entry(2.4, LabEventKind::BackendDown, "s2", "3 health checks failed"),
                        entry(5, LabEventKind::BackendUp, "s2", "health check passed"),
                        entry(7, LabEventKind::BackendDown, "s2", "3 health checks failed")});
    EXPECT_EQ(labels(markers), (std::vector<QString>{QStringLiteral("s2 killed"), QStringLiteral("s2 up"),
                                                     QStringLiteral("s2 down")}));
}

TEST(ChartMarkersTest, AKillLoggedAfterTheBalancerNoticedItStillReadsKilled)
{
    // The balancer's passive check can log the dead server a moment before the lab logs its kill.
    std::vector<LabEvent> all{entry(0, LabEventKind::RunStarted, "p"),
                              entry(5.001, LabEventKind::BackendDown, "s2", "connection failed")};
    ChartMarkers markers;
    markers.addFromLog(all);
    all.push_back(entry(5.002, LabEventKind::BackendDown, "s2", "killed: stopped accepting"));
    EXPECT_TRUE(markers.addFromLog(all));
    EXPECT_EQ(labels(markers), (std::vector<QString>{QStringLiteral("s2 killed")}));
    EXPECT_DOUBLE_EQ(markers.markers().front().x, 5.001);
    EXPECT_EQ(markers.markers().front().kind, ChartMarker::Kind::ServerKilled);
}

TEST(ChartMarkersTest, MarkersStayWhenTheirEntriesLeaveTheBoundedLog)
{
    // The lab's log keeps the last 400 entries; 450 more after the kill push it out.
    constexpr std::size_t kLog = 400;
    std::vector<LabEvent> all{entry(0, LabEventKind::RunStarted, "p"), entry(1, LabEventKind::BackendDown, "s2", "killed")};
    ChartMarkers markers;
    markers.addFromLog(lastOf(all, kLog));
    for (int i = 0; i < 450; ++i) {
        all.push_back(entry(2 + 0.01 * i, LabEventKind::Note, "clients", numbered("entry ", static_cast<std::size_t>(i))));
        if (i % 7 == 0)
            markers.addFromLog(lastOf(all, kLog));
    }
    all.push_back(entry(8, LabEventKind::PolicySwitched, "ip-hash", "from round-robin"));
    markers.addFromLog(lastOf(all, kLog));
    EXPECT_EQ(labels(markers), (std::vector<QString>{QStringLiteral("s2 killed"), QStringLiteral("→ ip-hash")}));
}

TEST(ChartMarkersTest, MoreEntriesThanTheLogKeepsBetweenTwoSnapshotsAreAllTaken)
{
    constexpr std::size_t kLog = 50;
    std::vector<LabEvent> all{entry(0, LabEventKind::RunStarted, "p"), entry(1, LabEventKind::BackendAdded, "s4")};
    ChartMarkers markers;
    markers.addFromLog(lastOf(all, kLog));
    for (int i = 0; i < 45; ++i)
        all.push_back(entry(2 + 0.01 * i, LabEventKind::Note, "clients", std::to_string(i)));
    all.push_back(entry(3, LabEventKind::BackendAdded, "s5"));
    markers.addFromLog(lastOf(all, kLog));
    // 40 more: the log now starts in the middle of the newest entries taken before.
    for (int i = 0; i < 40; ++i)
        all.push_back(entry(3.5 + 0.01 * i, LabEventKind::Note, "clients", numbered("next ", static_cast<std::size_t>(i))));
    all.push_back(entry(4, LabEventKind::BackendAdded, "s6"));
    markers.addFromLog(lastOf(all, kLog));
    // 200 more: nothing taken before is left in the log.
    for (int i = 0; i < 200; ++i)
        all.push_back(entry(5 + 0.01 * i, LabEventKind::Note, "clients", numbered("more ", static_cast<std::size_t>(i))));
    all.push_back(entry(8, LabEventKind::BackendAdded, "s7"));
    markers.addFromLog(lastOf(all, kLog));
    EXPECT_EQ(labels(markers), (std::vector<QString>{QStringLiteral("+ s4"), QStringLiteral("+ s5"),
                                                     QStringLiteral("+ s6"), QStringLiteral("+ s7")}));
}

TEST(ChartMarkersTest, ABurstIsOneMarkerThatCountsAsItGrows)
{
    std::vector<LabEvent> all{entry(0, LabEventKind::RunStarted, "p")};
    ChartMarkers markers;
    for (int i = 0; i < 12; ++i)
        all.push_back(entry(4 + 0.002 * i, LabEventKind::IpChanged, numbered("c", static_cast<std::size_t>(i)), "a -> b"));
    markers.addFromLog(all);
    ASSERT_EQ(markers.markers().size(), 1u);
    EXPECT_EQ(markers.markers().front().label, QStringLiteral("12 IP changes"));
    // The rest of the burst comes with the next snapshot.
    for (int i = 12; i < 37; ++i)
        all.push_back(entry(4 + 0.002 * i, LabEventKind::IpChanged, numbered("c", static_cast<std::size_t>(i)), "a -> b"));
    EXPECT_TRUE(markers.addFromLog(all));
    ASSERT_EQ(markers.markers().size(), 1u);
    EXPECT_EQ(markers.markers().front().label, QStringLiteral("37 IP changes"));
    EXPECT_DOUBLE_EQ(markers.markers().front().x, 4.0);
    EXPECT_EQ(markers.markers().front().kind, ChartMarker::Kind::IpBurst);
}

TEST(ChartMarkersTest, RemoveBeforeAndClear)
{
    ChartMarkers markers;
    markers.addFromLog({entry(1, LabEventKind::BackendAdded, "s4"), entry(5, LabEventKind::BackendAdded, "s5")});
    EXPECT_FALSE(markers.removeBefore(0.5));
    EXPECT_TRUE(markers.removeBefore(2));
    EXPECT_EQ(labels(markers), (std::vector<QString>{QStringLiteral("+ s5")}));
    markers.clear();
    EXPECT_TRUE(markers.markers().empty());
    // After a clear the same entries are new again (a new run, a replay scrubbed back).
    EXPECT_TRUE(markers.addFromLog({entry(1, LabEventKind::BackendAdded, "s4")}));
}

TEST(ChartMarkersTest, TheListIsBounded)
{
    std::vector<LabEvent> all;
    for (std::size_t i = 0; i < ChartMarkers::kCapacity + 40; ++i)
        all.push_back(entry(static_cast<double>(i), LabEventKind::BackendAdded, numbered("s", i)));
    ChartMarkers markers;
    markers.addFromLog(all);
    EXPECT_EQ(markers.markers().size(), ChartMarkers::kCapacity);
    EXPECT_DOUBLE_EQ(markers.markers().back().x, static_cast<double>(ChartMarkers::kCapacity + 39));
}

TEST(ChartMarkersTest, TheSessionStoreKilledAndBackIsMarkedApartFromTheServers)
{
    const std::string killed = "Redis killed: every session in it is gone, so every server's logged-in users fail at "
                               "once (503) and must log in again when it is back";
    std::vector<LabEvent> all{entry(0, LabEventKind::RunStarted, "p", "policy round-robin"),
                              entry(5, LabEventKind::StoreDown, "session store", killed),
                              entry(5, LabEventKind::Note, "timeline", "Redis is dead"),
                              entry(10, LabEventKind::StoreUp, "session store", "Redis restored, empty")};
    ChartMarkers markers;
    ASSERT_TRUE(markers.addFromLog(all));
    EXPECT_EQ(labels(markers), (std::vector<QString>{QStringLiteral("store killed"), QStringLiteral("Redis is dead"),
                                                     QStringLiteral("store back")}));
    EXPECT_EQ(markers.markers()[0].kind, ChartMarker::Kind::StoreKilled);
    EXPECT_DOUBLE_EQ(markers.markers()[0].x, 5.0);
    EXPECT_EQ(markers.markers()[2].kind, ChartMarker::Kind::StoreBack);
    EXPECT_DOUBLE_EQ(markers.markers()[2].x, 10.0);

    // A store that fails on its own is "down", not "killed".
    ChartMarker down;
    ASSERT_TRUE(ChartMarkers::markerFor(entry(1, LabEventKind::StoreDown, "session store", "not answering"), down));
    EXPECT_EQ(down.kind, ChartMarker::Kind::StoreKilled);
    EXPECT_EQ(down.label, QStringLiteral("store down"));

    // A second store death is its own marker; a server's kill right after it is too.
    all.push_back(entry(12, LabEventKind::StoreDown, "session store", killed));
    all.push_back(entry(12, LabEventKind::BackendDown, "s2", "killed: stopped"));
    ASSERT_TRUE(markers.addFromLog(all));
    EXPECT_EQ(labels(markers).size(), 5u);
    EXPECT_EQ(labels(markers)[3], QStringLiteral("store killed"));
    EXPECT_EQ(labels(markers)[4], QStringLiteral("s2 killed"));
}
