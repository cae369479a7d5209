#include "ui/lab_bridge.h"

#include "core/lab/lab.h"
#include "core/config/preset_catalog.h"
#include "qt_app.h"

#include <QDir>
#include <QFile>

#include <gtest/gtest.h>

using lblab::LabConfig;
using lblab::RunState;
using lblab::Snapshot;
using lblab::ui::LabBridge;
using lblab::test::waitUntil;

namespace {

LabConfig basics()
{
    const LabConfig* preset = lblab::PresetCatalog::find("round-robin-basics");
    EXPECT_NE(preset, nullptr);
    LabConfig c = preset ? *preset : LabConfig{};
    c.clients.at(0).count = 20; // small and quick
    c.requestRate = 200;
    return c;
}

class LabBridgeTest : public ::testing::Test {
protected:
    void SetUp() override { lblab::test::qtApp(); }
};

} // namespace

TEST_F(LabBridgeTest, CommandsWithoutALabAreHarmless)
{
    LabBridge bridge;
    QStringList exports;
    QObject::connect(&bridge, &LabBridge::exportFinished, [&](bool ok, const QString&) { exports << (ok ? "ok" : "no"); });
    bridge.pause();
    bridge.resume();
    bridge.stop();
    bridge.setPolicy("ip-hash");
    bridge.killServer("s1");
    bridge.killStore();
    bridge.restoreStore();
    bridge.addServer();
    bridge.setRequestRate(10);
    bridge.changeClientIps(0.5);
    bridge.exportRun("/tmp/nowhere");
    bridge.pollSnapshot();
    EXPECT_EQ(bridge.lab(), nullptr);
    EXPECT_FALSE(bridge.isActive());
    EXPECT_EQ(bridge.latest(), nullptr);
    EXPECT_EQ(exports, QStringList{"no"});
}

TEST_F(LabBridgeTest, RunsAPresetAndEmitsEachNewSnapshotOnce)
{
    LabBridge bridge;
    std::vector<std::uint64_t> sequences;
    const auto connection = QObject::connect(&bridge, &LabBridge::snapshotReady, [&](std::shared_ptr<const Snapshot> s) {
        ASSERT_NE(s, nullptr);
        sequences.push_back(s->sequence);
    });
    QString url;
    QObject::connect(&bridge, &LabBridge::labStarted, [&](const QString& u) { url = u; });
    bridge.startPreset(basics());
    ASSERT_NE(bridge.lab(), nullptr);
    EXPECT_TRUE(bridge.isActive());
    EXPECT_TRUE(url.startsWith("http://127.0.0.1:")) << url.toStdString();

    ASSERT_TRUE(waitUntil([&] { return bridge.latest() && bridge.latest()->totals.requests > 20; }, 5000));
    const auto latest = bridge.latest();
    EXPECT_EQ(latest->clients.size(), 20u);
    EXPECT_EQ(latest->servers.size(), 3u);
    ASSERT_GE(sequences.size(), 2u);
    for (std::size_t i = 1; i < sequences.size(); ++i)
        EXPECT_GT(sequences[i], sequences[i - 1]) << "a snapshot was emitted twice";
    // Frame timer at 33 ms: about 30 emissions a second at most.
    EXPECT_LE(sequences.size(), 200u);

    bridge.setPolicy("ip-hash");
    ASSERT_TRUE(waitUntil([&] { return bridge.latest()->policy == "ip-hash"; }, 3000));
    bridge.pause();
    ASSERT_TRUE(waitUntil([&] { return bridge.latest()->state == RunState::Paused; }, 3000));
    bridge.resume();
    ASSERT_TRUE(waitUntil([&] { return bridge.latest()->state == RunState::Running; }, 3000));
    bridge.stop();
    EXPECT_FALSE(bridge.isActive());
}

TEST_F(LabBridgeTest, ServerCommandsReachTheLab)
{
    LabBridge bridge;
    bridge.startPreset(basics());
    ASSERT_TRUE(waitUntil([&] { return bridge.latest() != nullptr; }, 3000));
    bridge.killServer("s2");
    ASSERT_TRUE(waitUntil([&] { return bridge.latest()->servers.at(1).killed; }, 3000));
    bridge.restoreServer("s2");
    ASSERT_TRUE(waitUntil([&] { return !bridge.latest()->servers.at(1).killed; }, 3000));
    bridge.setWeight("s1", 4);
    ASSERT_TRUE(waitUntil([&] { return bridge.latest()->servers.at(0).weight == 4; }, 3000));
    bridge.addServer();
    ASSERT_TRUE(waitUntil([&] { return bridge.latest()->servers.size() == 4; }, 3000));
    bridge.removeServer("s4");
    ASSERT_TRUE(waitUntil([&] { return bridge.latest()->servers.at(3).state == lblab::BackendState::Removed; }, 3000));
    bridge.stop();
}

TEST_F(LabBridgeTest, StoreCommandsReachTheLabsRedis)
{
    LabConfig config = basics();
    config.sessionStore = lblab::SessionStoreKind::Shared;
    LabBridge bridge;
    QStringList errors;
    QObject::connect(&bridge, &LabBridge::errorOccurred, [&](const QString& m) { errors << m; });
    bridge.startPreset(config); // Redis starts on the bridge's worker: the GUI thread goes on
    ASSERT_TRUE(waitUntil([&] { return (bridge.latest() && bridge.latest()->store.up) || !errors.isEmpty(); }, 5000))
        << "no snapshot with Redis up";
    ASSERT_TRUE(errors.isEmpty()) << errors.join("; ").toStdString();
    EXPECT_EQ(bridge.latest()->store.kind, lblab::SessionStoreKind::Shared);
    auto logged = [&](lblab::LabEventKind kind) {
        for (const lblab::LabEvent& e : bridge.latest()->log)
            if (e.kind == kind)
                return true;
        return false;
    };
    bridge.killStore();
    ASSERT_TRUE(waitUntil([&] { return bridge.latest()->store.killed && logged(lblab::LabEventKind::StoreDown); }, 5000));
    EXPECT_FALSE(bridge.latest()->store.up);
    bridge.restoreStore();
    ASSERT_TRUE(waitUntil([&] { return !bridge.latest()->store.killed && bridge.latest()->store.up &&
                                       logged(lblab::LabEventKind::StoreUp); }, 5000));
    bridge.stop();
}

TEST_F(LabBridgeTest, KillingAStoreThatIsNoProcessIsLoggedAsAnError)
{
    LabBridge bridge;
    bridge.startPreset(basics()); // sessions on each server
    ASSERT_TRUE(waitUntil([&] { return bridge.latest() != nullptr; }, 3000));
    bridge.killStore();
    ASSERT_TRUE(waitUntil([&] {
        for (const lblab::LabEvent& e : bridge.latest()->log)
            if (e.kind == lblab::LabEventKind::Error && e.subject == "session store")
                return true;
        return false;
    }, 3000));
    EXPECT_FALSE(bridge.latest()->store.killed);
    bridge.stop();
}

TEST_F(LabBridgeTest, ABadConfigReportsAnErrorInsteadOfThrowing)
{
    LabBridge bridge;
    QString error;
    QObject::connect(&bridge, &LabBridge::errorOccurred, [&](const QString& e) { error = e; });
    LabConfig bad = basics();
    bad.listenAddress = "10.255.255.1"; // not a local address: cannot listen
    bad.listenPort = 1;
    bridge.startPreset(bad);
    EXPECT_FALSE(error.isEmpty());
    EXPECT_EQ(bridge.lab(), nullptr);
    // A good start afterwards still works.
    bridge.startPreset(basics());
    EXPECT_NE(bridge.lab(), nullptr);
    bridge.stop();
}

TEST_F(LabBridgeTest, ResetStartsAFreshRun)
{
    LabBridge bridge;
    bridge.startPreset(basics());
    // A second into the first run: a fresh one is told apart by its clock and its counters.
    ASSERT_TRUE(waitUntil([&] { return bridge.latest() && bridge.latest()->totals.requests > 10
                                       && bridge.latest()->tUs > 1'000'000; }, 5000));
    const std::shared_ptr<const Snapshot> old = bridge.latest();
    std::shared_ptr<const Snapshot> firstAfterReset;
    QObject receiver; // goes first, and its connection with it
    QObject::connect(&bridge, &LabBridge::snapshotReady, &receiver, [&](std::shared_ptr<const Snapshot> s) {
        if (!firstAfterReset)
            firstAfterReset = std::move(s);
    });
    bridge.reset();
    EXPECT_NE(bridge.lab(), nullptr);
    EXPECT_TRUE(bridge.isActive());
    ASSERT_TRUE(waitUntil([&] { return firstAfterReset != nullptr; }, 3000));
    EXPECT_NE(firstAfterReset, old);
    EXPECT_EQ(firstAfterReset->state, RunState::Running);
    EXPECT_LT(firstAfterReset->tUs, old->tUs) << "the new run's clock starts over";
    EXPECT_LT(firstAfterReset->totals.requests, old->totals.requests) << "the new run's counters start over";
    EXPECT_LT(firstAfterReset->sequence, old->sequence);
    // And the bridge shows the new run from then on.
    EXPECT_TRUE(waitUntil([&] { return bridge.latest()->sequence > firstAfterReset->sequence; }, 3000));
    bridge.stop();
}

TEST_F(LabBridgeTest, ExportRunsOnAWorkerAndReports)
{
    LabBridge bridge;
    bridge.startPreset(basics());
    ASSERT_TRUE(waitUntil([&] { return bridge.latest() && bridge.latest()->totals.requests > 10; }, 5000));
    bridge.stop();
    const QString dir = QString(LBLAB_TEST_OUTPUT_DIR) + "/lab_bridge_export";
    QDir(dir).removeRecursively();
    int finished = 0;
    bool ok = false;
    QString message;
    QObject::connect(&bridge, &LabBridge::exportFinished, [&](bool o, const QString& m) {
        ++finished;
        ok = o;
        message = m;
    });
    bridge.exportRun(dir);
    ASSERT_TRUE(waitUntil([&] { return finished > 0; }, 10000));
    EXPECT_TRUE(ok) << message.toStdString();
    EXPECT_TRUE(QFile::exists(dir + "/events.csv"));
    EXPECT_TRUE(QFile::exists(dir + "/servers.csv"));
    EXPECT_TRUE(QFile::exists(dir + "/run.json"));

    // Fault path: a file where the directory should be.
    const QString blocked = QString(LBLAB_TEST_OUTPUT_DIR) + "/lab_bridge_blocked";
    QDir(blocked).removeRecursively();
    QFile f(blocked);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.close();
    finished = 0;
    bridge.exportRun(blocked + "/sub");
    ASSERT_TRUE(waitUntil([&] { return finished > 0; }, 10000));
    EXPECT_FALSE(ok);
    EXPECT_FALSE(message.isEmpty());
}
