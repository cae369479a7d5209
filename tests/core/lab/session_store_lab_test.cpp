// Where sessions live, through the whole lab: real balancer, real backends, real users, a real Redis
// (shared) or real HMAC cookies (client). Round robin loses no session with either; killing the
// store hurts every server's users at once; the summary carries the store's figures.

#include "core/config/preset_catalog.h"
#include "core/engines/program_lookup.h"
#include "core/lab/lab.h"
#include "core/record/run_replay.h"
#include "support/wait_for.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <unistd.h>

namespace lblab {
namespace {

LabConfig preset(const std::string& name)
{
    const LabConfig* p = PresetCatalog::find(name);
    EXPECT_NE(p, nullptr) << name;
    LabConfig c = p ? *p : LabConfig{};
    c.requestRate = 300;
    return c;
}

bool hasEvent(const Snapshot& s, LabEventKind kind)
{
    return std::any_of(s.log.begin(), s.log.end(), [&](const LabEvent& e) { return e.kind == kind; });
}

#define SKIP_WITHOUT_REDIS()                                                                           \
    if (!findProgram("redis-server"))                                                                  \
    GTEST_SKIP() << "redis-server is not installed (scripts/test.sh installs it)"

TEST(SessionStoreLabTest, SharedStoreUnderRoundRobinLosesNoSessionAndKeepsEveryServerBusy)
{
    SKIP_WITHOUT_REDIS();
    Lab lab(preset("shared-session-store"));
    lab.start();
    ASSERT_TRUE(test::waitFor([&] { return lab.snapshot()->totals.sessionRequests >= 200; }));
    const auto s = lab.snapshot();
    EXPECT_EQ(s->store.kind, SessionStoreKind::Shared);
    EXPECT_TRUE(s->store.up);
    // Redis's own output is in the event log, tidied: no pid/date prefix, no overcommit warning.
    const auto redisSays = [&](const std::string& text) {
        return std::any_of(s->log.begin(), s->log.end(), [&](const LabEvent& e) {
            return e.subject == "redis" && e.detail.find(text) != std::string::npos;
        });
    };
    EXPECT_TRUE(std::any_of(s->log.begin(), s->log.end(), [](const LabEvent& e) {
        return e.subject == "redis" && e.detail.rfind("Server initialized", 0) == 0;
    }));
    EXPECT_FALSE(redisSays("overcommit"));
    lab.stop();
    const RunSummary summary = lab.summary();
    EXPECT_EQ(summary.totals.sessionMisses, 0u);
    EXPECT_EQ(summary.sessionStore, "shared");
    for (const auto& server : summary.servers) {
        EXPECT_GT(server.share, 0.25) << server.name << ": round robin keeps every server busy";
        EXPECT_EQ(server.sessions, 0) << server.name << " holds no session: Redis does";
    }
    EXPECT_GE(summary.store.ops, summary.totals.sessionRequests) << "a login or account page is a store call";
    EXPECT_EQ(summary.store.errors, 0u);
    EXPECT_GT(summary.store.p50Us, 0u);
    EXPECT_LE(summary.store.p50Us, summary.store.p99Us);
    const auto json = nlohmann::json::parse(summary.toJson());
    EXPECT_EQ(json["session_store"], "shared");
    EXPECT_EQ(json["store"]["requests"], summary.store.ops);
    EXPECT_TRUE(json["store"].contains("p99_added_us"));
}

TEST(SessionStoreLabTest, SignedCookiesUnderRoundRobinSurviveAddressChanges)
{
    LabConfig c = preset("signed-sessions");
    c.clients.front().ipChangeMeanSeconds = 0.5;
    Lab lab(c);
    lab.start();
    ASSERT_TRUE(test::waitFor([&] {
        const auto s = lab.snapshot();
        return s->totals.sessionRequests >= 200 && s->totals.ipChanges >= 20;
    }));
    lab.stop();
    const RunSummary summary = lab.summary();
    EXPECT_EQ(summary.totals.sessionMisses, 0u) << "no server and no balancer table holds the session";
    EXPECT_EQ(summary.totals.invalidSessions, 0u);
    EXPECT_EQ(summary.tableSize, 0u);
    EXPECT_EQ(summary.sessionStore, "client");
    EXPECT_GT(summary.store.tokens, 0u);
    EXPECT_GT(summary.store.meanTokenBytes(), 40.0) << "SESSIONID=USER.EXPIRY.SIGNATURE";
    for (const auto& server : summary.servers)
        EXPECT_EQ(server.sessions, 0) << server.name;
}

TEST(SessionStoreLabTest, KillingTheStoreHurtsEveryServersUsersAtOnce)
{
    SKIP_WITHOUT_REDIS();
    Lab lab(preset("shared-session-store"));
    lab.start();
    ASSERT_TRUE(test::waitFor([&] { return lab.snapshot()->totals.sessionRequests >= 100; }));
    ASSERT_EQ(lab.snapshot()->totals.sessionMisses, 0u);
    lab.killStore();
    ASSERT_TRUE(test::waitFor([&] {
        const auto s = lab.snapshot();
        return std::all_of(s->servers.begin(), s->servers.end(), [](const BackendView& v) { return v.sessionMisses >= 3; });
    })) << "every server's users fail, not one server's";
    {
        const auto s = lab.snapshot();
        EXPECT_TRUE(s->store.killed);
        EXPECT_FALSE(s->store.up);
        EXPECT_TRUE(hasEvent(*s, LabEventKind::StoreDown));
    }
    lab.restoreStore();
    ASSERT_TRUE(test::waitFor([&] {
        const auto s = lab.snapshot();
        return s->store.up && s->store.keys > 0;
    })) << "users log in again into the empty store";
    const auto s = lab.snapshot();
    EXPECT_FALSE(s->store.killed);
    EXPECT_TRUE(hasEvent(*s, LabEventKind::StoreUp));
    lab.stop();
    EXPECT_GT(lab.summary().store.errors, 0u);
}

TEST(SessionStoreLabTest, TheFailurePresetKillsAndRestoresTheStoreOnItsTimeline)
{
    SKIP_WITHOUT_REDIS();
    LabConfig c = preset("session-store-failure");
    for (auto& step : c.timeline)
        step.atSeconds = step.atSeconds == 5 ? 1.0 : 2.0;
    Lab lab(c);
    lab.start();
    ASSERT_TRUE(test::waitFor([&] {
        const auto s = lab.snapshot();
        return hasEvent(*s, LabEventKind::StoreUp) && s->store.keys > 0;
    }));
    lab.stop();
    EXPECT_GT(lab.summary().totals.sessionMisses, 0u);
}

TEST(SessionStoreLabTest, KillingALocalStoreSaysThereIsNothingToKill)
{
    LabConfig c = preset("login-round-robin");
    Lab lab(c);
    lab.start();
    lab.killStore();
    EXPECT_TRUE(test::waitFor([&] {
        const auto s = lab.snapshot();
        return std::any_of(s->log.begin(), s->log.end(), [](const LabEvent& e) {
            return e.kind == LabEventKind::Error && e.detail.find("nothing to kill") != std::string::npos;
        });
    }));
    EXPECT_EQ(lab.snapshot()->store.kind, SessionStoreKind::Local);
    lab.stop();
}

TEST(SessionStoreLabTest, AReplayOfAnExportedRunShowsTheSameStoreAndCounts)
{
    LabConfig c = preset("signed-sessions");
    Lab lab(c);
    lab.start();
    ASSERT_TRUE(test::waitFor([&] { return lab.snapshot()->totals.sessionRequests >= 100; }));
    lab.stop();
    const auto dir = std::filesystem::temp_directory_path() / ("lblab-store-replay-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    lab.exportRun(dir);
    const RunSummary run = lab.summary();
    const RunSummary replay = RunReplay::load(dir).summary();
    std::filesystem::remove_all(dir);
    EXPECT_EQ(replay.sessionStore, "client");
    EXPECT_EQ(replay.totals.sessionRequests, run.totals.sessionRequests);
    EXPECT_EQ(replay.totals.sessionMisses, run.totals.sessionMisses);
    EXPECT_EQ(replay.store.ops, run.store.ops);
    EXPECT_EQ(replay.store.p99Us, run.store.p99Us);
    EXPECT_EQ(replay.store.tokenBytes, run.store.tokenBytes);
    EXPECT_EQ(replay.toTable(), run.toTable()) << "the replay prints what the run printed";
}

} // namespace
} // namespace lblab
