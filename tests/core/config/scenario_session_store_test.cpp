// A scenario file's "session_store" and its kill-store / restore-store steps: read, checked, saved.

#include "core/config/scenario_error.h"
#include "core/config/scenario_file.h"
#include "core/config/session_store_choice.h"
#include "core/config/preset_catalog.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace lblab {
namespace {

TEST(ScenarioSessionStoreTest, TheStoreIsReadAndSavedAndDefaultsToLocal)
{
    EXPECT_EQ(ScenarioFile::parse(R"({"servers": [{"name": "a"}]})", "plain.json").sessionStore, SessionStoreKind::Local);
    for (const char* id : {"local", "shared", "client"}) {
        const LabConfig c = ScenarioFile::parse(
            std::string(R"({"session_store": ")") + id + R"(", "servers": [{"name": "a"}]})", "s.json");
        EXPECT_EQ(SessionStoreCatalog::id(c.sessionStore), id);
        const std::string saved = ScenarioFile::toJson(c);
        EXPECT_NE(saved.find(std::string("\"session_store\": \"") + id + "\""), std::string::npos) << saved;
        EXPECT_EQ(ScenarioFile::parse(saved, "again.json").sessionStore, c.sessionStore);
    }
}

TEST(ScenarioSessionStoreTest, AnUnknownStoreNamesTheKnownOnes)
{
    try {
        ScenarioFile::parse(R"({"session_store": "memcached", "servers": [{"name": "a"}]})", "m.json");
        FAIL() << "an unknown store was accepted";
    } catch (const ScenarioError& e) {
        EXPECT_EQ(e.fieldPath(), "session_store");
        EXPECT_NE(e.reason().find("local, shared, client"), std::string::npos) << e.reason();
    }
}

TEST(ScenarioSessionStoreTest, KillAndRestoreStoreStepsAreReadAndSaved)
{
    const LabConfig c = ScenarioFile::parse(R"({"session_store": "shared", "servers": [{"name": "a"}],
        "timeline": [{"at_s": 5, "action": "kill-store"}, {"at_s": 10, "action": "restore-store"}]})", "k.json");
    ASSERT_EQ(c.timeline.size(), 2u);
    EXPECT_EQ(c.timeline[0].action, TimelineStep::Action::KillStore);
    EXPECT_EQ(c.timeline[1].action, TimelineStep::Action::RestoreStore);
    const LabConfig again = ScenarioFile::parse(ScenarioFile::toJson(c), "again.json");
    ASSERT_EQ(again.timeline.size(), 2u);
    EXPECT_EQ(again.timeline[1].action, TimelineStep::Action::RestoreStore);
    EXPECT_EQ(again.timeline[1].atSeconds, 10);
}

TEST(ScenarioSessionStoreTest, KillingAStoreThatIsNoProcessIsRefusedAtItsStep)
{
    try {
        ScenarioFile::parse(R"({"session_store": "client", "servers": [{"name": "a"}],
            "timeline": [{"at_s": 5, "action": "kill-store"}]})", "c.json");
        FAIL() << "kill-store was accepted without a shared store";
    } catch (const ScenarioError& e) {
        EXPECT_EQ(e.fieldPath(), "timeline[0].action");
        EXPECT_NE(e.reason().find("needs \"session_store\": \"shared\""), std::string::npos) << e.reason();
    }
}

TEST(ScenarioSessionStoreTest, AStoreStepTakesNoServer)
{
    EXPECT_THROW(ScenarioFile::parse(R"({"session_store": "shared", "servers": [{"name": "a"}],
        "timeline": [{"at_s": 5, "action": "kill-store", "server": "a"}]})", "x.json"), ScenarioError);
}

TEST(ScenarioSessionStoreTest, ChoosingAnotherStoreDropsOnlyTheStoreSteps)
{
    const LabConfig* failure = PresetCatalog::find("session-store-failure");
    ASSERT_NE(failure, nullptr);
    const auto storeSteps = [](const LabConfig& c) {
        return std::count_if(c.timeline.begin(), c.timeline.end(), [](const TimelineStep& s) {
            return s.action == TimelineStep::Action::KillStore || s.action == TimelineStep::Action::RestoreStore;
        });
    };
    ASSERT_EQ(storeSteps(*failure), 2);

    LabConfig shared = *failure;
    chooseSessionStore(shared, SessionStoreKind::Shared);
    EXPECT_EQ(shared.timeline.size(), failure->timeline.size()) << "Redis can be killed: the steps stay";

    LabConfig client = *failure;
    chooseSessionStore(client, SessionStoreKind::Client);
    EXPECT_EQ(client.sessionStore, SessionStoreKind::Client);
    EXPECT_EQ(storeSteps(client), 0);
    EXPECT_EQ(client.timeline.size(), failure->timeline.size() - 2) << "the notes stay";
}

} // namespace
} // namespace lblab
