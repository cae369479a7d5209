// Scenario files: every malformed file gives its own exact message, every built-in preset loads,
// and a saved configuration reopens identically.

#include "core/config/embedded_presets.h"
#include "core/config/preset_catalog.h"
#include "core/config/scenario_file.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace lblab {
namespace {

const std::filesystem::path kFixtures = std::filesystem::path(__FILE__).parent_path() / "scenarios";

/// Loads a fixture that must fail and returns the message ("" when it loaded).
std::string loadError(const std::string& name)
{
    try {
        ScenarioFile::load(kFixtures / name);
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return {};
}

struct Malformed {
    std::string file;
    std::string expected; ///< everything after "<file>: "
};

class MalformedScenarioTest : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedScenarioTest, SaysFileFieldAndReason)
{
    const auto& c = GetParam();
    ASSERT_TRUE(std::filesystem::exists(kFixtures / c.file)) << c.file;
    const std::string message = loadError(c.file);
    ASSERT_FALSE(message.empty()) << c.file << " must not load";
    const std::string expected = (kFixtures / c.file).string() + ": " + c.expected;
    if (expected.back() == '(') // ends with a list that another test checks
        EXPECT_EQ(message.substr(0, expected.size()), expected);
    else
        EXPECT_EQ(message, expected);
    EXPECT_EQ(message.find('\n'), std::string::npos) << "one line";
}

const std::string kAllActions = "one of switch-policy, kill-server, restore-server, add-server, remove-server, "
                                "drain-server, set-weight, set-rate, change-ips, note, kill-store, restore-store";

INSTANTIATE_TEST_SUITE_P(
    Fixtures, MalformedScenarioTest,
    ::testing::Values(
        Malformed{"syntax_error.json",
                  "line 4, column 5: syntax error while parsing array - unexpected '{'; expected ']'"},
        Malformed{"trailing_comma.json",
                  "line 4, column 1: syntax error while parsing object key - unexpected '}'; expected string literal"},
        Malformed{"empty.json", "the file is empty (a scenario is a JSON object)"},
        // Found by scenario_fuzzer: nlohmann's out_of_range escaped as an unnamed exception.
        Malformed{"number_overflow.json", "not readable JSON: number overflow parsing '1e99999'"},
        Malformed{"not_object.json", "a scenario must be a JSON object, got an array"},
        Malformed{"wrong_type.json",
                  "duration_s: must be a number between 0 and 604800 (seconds; 0 = until stopped), got a string"},
        Malformed{"unknown_policy.json", "policy: unknown policy \"round-robbin\"; must be a policy id ("},
        Malformed{"negative_count.json", "clients[0].count: must be a whole number between 0 and 60000, got -5"},
        Malformed{"zero_servers.json", "servers: needs at least one server"},
        Malformed{"servers_not_array.json", "servers: must be an array, got an object"},
        Malformed{"duplicate_server.json", "servers[1].name: duplicate server name \"s1\""},
        Malformed{"duplicate_field.json",
                  "servers[1].weight: appears twice in the same object (the first would be ignored)"},
        Malformed{"missing_server_name.json", "servers[1].name: is required (a string)"},
        Malformed{"timeline_missing_server.json",
                  "timeline[0].server: no server named \"s9\" at 5 s (servers then: s1, s2)"},
        Malformed{"timeline_removed_server.json",
                  "timeline[1].server: no server named \"s2\" at 5 s (it was removed earlier)"},
        Malformed{"timeline_add_existing.json", "timeline[0].server: a server named \"s1\" already exists at 2 s"},
        Malformed{"times_out_of_order.json",
                  "timeline[1].at_s: must not be earlier than the step before it (10 s), got 5"},
        Malformed{"negative_time.json", "timeline[0].at_s: must be a number >= 0 (seconds since start), got -1"},
        Malformed{"unknown_field.json", "servers[0].wieght: unknown field (did you mean weight?)"},
        Malformed{"unknown_top_field.json", "duraton_s: unknown field (did you mean duration_s?)"},
        Malformed{"bad_enum.json",
                  "servers[0].service_time_model: must be one of constant, exponential, got \"gaussian\""},
        Malformed{"bad_behaviour.json", "clients[0].behaviour: must be one of anonymous, login, got \"admin\""},
        Malformed{"probability_above_one.json",
                  "servers[1].error_rate: must be a probability between 0 and 1, got 1.5"},
        Malformed{"nat_group_zero.json",
                  "clients[0].nat_group_size: must be a whole number between 1 and 60000, got 0"},
        Malformed{"unknown_action.json", "timeline[0].action: must be " + kAllActions + ", got \"explode\""},
        Malformed{"missing_action.json", "timeline[0].action: is required (" + kAllActions + ")"},
        Malformed{"field_not_for_action.json",
                  "timeline[0].policy: unknown field (known: at_s, action, server)"},
        Malformed{"timeline_unknown_policy.json", "timeline[0].policy: unknown policy \"fastest\"; must be a policy id ("},
        Malformed{"negative_weight.json", "servers[2].weight: must be a whole number >= 0, got -1"},
        Malformed{"fractional_weight.json", "servers[1].weight: must be a whole number >= 0, got 1.5"},
        Malformed{"health_rise_zero.json", "health_check.rise: must be a whole number between 1 and 100, got 0"},
        Malformed{"change_ips_zero.json",
                  "timeline[0].value: must be a fraction of the users > 0 and <= 1, got 0"},
        Malformed{"bad_address.json",
                  "servers[1].address: must be an IPv4 ADDRESS:PORT of a running server, such as 127.0.0.1:8081, "
                  "got \"localhost:8081\""},
        Malformed{"negative_rate.json",
                  "request_rate: must be a number between 0 and 1000000 (requests/s), got -10"}),
    [](const ::testing::TestParamInfo<Malformed>& info) {
        std::string name = info.param.file.substr(0, info.param.file.find('.'));
        return name;
    });

// Messages that end with a list (policy ids) are checked by prefix above; make the prefix test exact.
TEST(ScenarioFileTest, UnknownPolicyListsTheKnownOnes)
{
    const std::string message = loadError("unknown_policy.json");
    EXPECT_NE(message.find("cookie-affinity"), std::string::npos) << message;
    EXPECT_EQ(message.back(), ')');
}

TEST(ScenarioFileTest, EveryFixtureIsCovered)
{
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(kFixtures))
        files += entry.path().extension() == ".json";
    EXPECT_GE(files, 15u);
}

TEST(ScenarioFileTest, MissingFileNamesItself)
{
    try {
        ScenarioFile::load(kFixtures / "no-such-file.json");
        FAIL() << "must not load";
    } catch (const ScenarioError& e) {
        EXPECT_NE(std::string(e.what()).find("no-such-file.json: cannot open the file"), std::string::npos) << e.what();
    }
}

TEST(ScenarioFileTest, OmittedFieldsTakeTheirDefaults)
{
    const LabConfig c = ScenarioFile::parse(R"({"servers": [{"name": "a"}]})", "mini.json", "mini");
    const LabConfig defaults;
    EXPECT_EQ(c.preset, "mini");
    EXPECT_EQ(c.title, "mini");
    EXPECT_EQ(c.policy, defaults.policy);
    EXPECT_EQ(c.durationSeconds, defaults.durationSeconds);
    EXPECT_EQ(c.requestRate, defaults.requestRate);
    ASSERT_EQ(c.servers.size(), 1u);
    EXPECT_EQ(c.servers[0].name, "a");
    EXPECT_EQ(c.servers[0].weight, BackendSpec{}.weight);
    EXPECT_EQ(c.servers[0].model, BackendSpec{}.model);
    EXPECT_TRUE(c.clients.empty());
    EXPECT_TRUE(c.timeline.empty());
}

TEST(ScenarioFileTest, TimelineFollowsServersThatComeAndGo)
{
    // s4 exists only after it is added; s1 may be drained until it is removed.
    const LabConfig c = ScenarioFile::parse(R"({
      "servers": [{"name": "s1"}, {"name": "s2"}],
      "timeline": [
        {"at_s": 1, "action": "add-server", "server": "s4"},
        {"at_s": 2, "action": "set-weight", "server": "s4", "value": 3},
        {"at_s": 2, "action": "drain-server", "server": "s1"},
        {"at_s": 3, "action": "remove-server", "server": "s1"},
        {"at_s": 4, "action": "change-ips"},
        {"at_s": 5, "action": "set-rate", "value": 50}
      ]})",
                                            "t.json");
    ASSERT_EQ(c.timeline.size(), 6u);
    EXPECT_EQ(c.timeline[1].value, 3);
    EXPECT_EQ(c.timeline[4].value, 1.0) << "change-ips moves everyone by default";

    EXPECT_THROW(ScenarioFile::parse(R"({"servers": [{"name": "s1"}],
      "timeline": [{"at_s": 1, "action": "kill-server", "server": "s4"},
                   {"at_s": 2, "action": "add-server", "server": "s4"}]})",
                                     "t.json"),
                 ScenarioError)
        << "s4 does not exist yet at 1 s";
}

bool sameConfig(const LabConfig& a, const LabConfig& b, std::string& why)
{
#define LBLAB_SAME(x)                                                                                                  \
    if (!(a.x == b.x)) {                                                                                               \
        why = #x;                                                                                                      \
        return false;                                                                                                  \
    }
    LBLAB_SAME(preset)
    LBLAB_SAME(title)
    LBLAB_SAME(whatItShows)
    LBLAB_SAME(whatToWatch)
    LBLAB_SAME(engine)
    LBLAB_SAME(sessionStore)
    LBLAB_SAME(policy)
    LBLAB_SAME(policyOptions.seed)
    LBLAB_SAME(policyOptions.tableTtlSeconds)
    LBLAB_SAME(policyOptions.tableCapacity)
    LBLAB_SAME(policyOptions.cookieName)
    LBLAB_SAME(policyOptions.sessionCookieName)
    LBLAB_SAME(policyOptions.urlParam)
    LBLAB_SAME(policyOptions.virtualNodes)
    LBLAB_SAME(policyOptions.boundedLoad)
    LBLAB_SAME(requestRate)
    LBLAB_SAME(durationSeconds)
    LBLAB_SAME(seed)
    LBLAB_SAME(listenAddress)
    LBLAB_SAME(listenPort)
    LBLAB_SAME(ioThreads)
    LBLAB_SAME(intervalMs)
    LBLAB_SAME(healthCheck.intervalSeconds)
    LBLAB_SAME(healthCheck.rise)
    LBLAB_SAME(healthCheck.fall)
    LBLAB_SAME(healthCheck.timeoutSeconds)
    LBLAB_SAME(servers.size())
    LBLAB_SAME(clients.size())
    LBLAB_SAME(timeline.size())
    for (std::size_t i = 0; i < a.servers.size(); ++i) {
        LBLAB_SAME(servers[i].name)
        LBLAB_SAME(servers[i].weight)
        LBLAB_SAME(servers[i].region)
        LBLAB_SAME(servers[i].serviceTimeMs)
        LBLAB_SAME(servers[i].model)
        LBLAB_SAME(servers[i].capacity)
        LBLAB_SAME(servers[i].queueLimit)
        LBLAB_SAME(servers[i].errorRate)
    }
    for (std::size_t i = 0; i < a.clients.size(); ++i) {
        LBLAB_SAME(clients[i].name)
        LBLAB_SAME(clients[i].count)
        LBLAB_SAME(clients[i].behaviour)
        LBLAB_SAME(clients[i].region)
        LBLAB_SAME(clients[i].ipChangeMeanSeconds)
        LBLAB_SAME(clients[i].natGroupSize)
        LBLAB_SAME(clients[i].carrier)
        LBLAB_SAME(clients[i].rateShare)
    }
    for (std::size_t i = 0; i < a.timeline.size(); ++i) {
        LBLAB_SAME(timeline[i].atSeconds)
        LBLAB_SAME(timeline[i].action)
        LBLAB_SAME(timeline[i].target)
        LBLAB_SAME(timeline[i].value)
        LBLAB_SAME(timeline[i].text)
    }
#undef LBLAB_SAME
    return true;
}

/// A configuration with every field away from its default, and every timeline action.
LabConfig unusualConfig()
{
    LabConfig c;
    c.preset = "my-lab";
    c.title = "A \"quoted\" title, with ünïcode";
    c.whatItShows = "line one\nline two";
    c.whatToWatch = "watch";
    c.policy = "consistent-hash";
    c.policyOptions = {12345678901234ULL, 12.5, 777, "C", "S", "p", 33, 1.25};
    c.seed = 12345678901234ULL;
    c.requestRate = 123.456;
    c.durationSeconds = 0.1 + 0.2; // not exactly representable: must survive the text round trip
    c.listenAddress = "127.0.0.2";
    c.listenPort = 8081;
    c.ioThreads = 3;
    c.intervalMs = 250;
    c.healthCheck = {0.3, 3, 4, 0.7};
    BackendSpec s;
    s.name = "alpha";
    s.weight = 0;
    s.region = "us";
    s.serviceTimeMs = 1.0 / 3;
    s.model = ServiceTimeModel::Constant;
    s.capacity = 7;
    s.queueLimit = 0;
    s.errorRate = 0.01;
    c.servers = {s};
    s.name = "beta";
    s.model = ServiceTimeModel::Exponential;
    c.servers.push_back(s);
    ClientGroupSpec g;
    g.name = "phones";
    g.count = 0;
    g.behaviour = ClientBehaviour::Login;
    g.region = "mixed";
    g.ipChangeMeanSeconds = 2.5;
    g.natGroupSize = 4;
    g.carrier = SessionCarrier::UrlParam;
    g.rateShare = 0.25;
    c.clients = {g, ClientGroupSpec{}};
    using A = TimelineStep::Action;
    c.timeline = {
        {0.5, A::Note, "", 0, "hello \"there\""}, {1, A::SwitchPolicy, "random", 0, ""},
        {1, A::AddBackend, "gamma", 0, ""},      {2, A::SetWeight, "gamma", 5, ""},
        {2.5, A::DrainBackend, "alpha", 0, ""},  {3, A::KillBackend, "beta", 0, ""},
        {4, A::RestoreBackend, "beta", 0, ""},   {5, A::RemoveBackend, "alpha", 0, ""},
        {6, A::SetRate, "", 99.5, ""},          {7, A::ChangeIps, "", 0.3, ""},
    };
    return c;
}

TEST(ScenarioFileTest, SavedScenarioReopensIdentically)
{
    const LabConfig original = unusualConfig();
    const auto path = std::filesystem::path(LBLAB_TEST_OUTPUT_DIR) / "scenario-round-trip.json";
    std::filesystem::create_directories(path.parent_path());
    ScenarioFile::save(original, path);
    const LabConfig reopened = ScenarioFile::load(path);
    std::string why;
    EXPECT_TRUE(sameConfig(original, reopened, why)) << "differs in " << why;
    EXPECT_EQ(ScenarioFile::toJson(reopened), ScenarioFile::toJson(original)) << "saving again changes nothing";

    // The comparison itself must notice a difference.
    LabConfig changed = reopened;
    changed.timeline[9].value = 0.31;
    EXPECT_FALSE(sameConfig(original, changed, why));
    EXPECT_EQ(why, "timeline[i].value");
}

TEST(ScenarioFileTest, AnOutsideServerKeepsItsAddressAndNothingTheLabWouldStart)
{
    LabConfig c;
    c.servers.resize(2);
    c.servers[0].name = "s1";
    c.servers[1].name = "s2";
    c.servers[1].externalAddress = "127.0.0.1:8081";
    const std::string text = ScenarioFile::toJson(c);
    const auto doc = nlohmann::json::parse(text);
    EXPECT_EQ(doc["servers"][1]["address"], "127.0.0.1:8081");
    EXPECT_FALSE(doc["servers"][1].contains("service_time_ms")) << "the lab does not run that server";
    EXPECT_FALSE(doc["servers"][0].contains("address"));
    const LabConfig reopened = ScenarioFile::parse(text, "outside.json");
    EXPECT_EQ(reopened.servers[1].externalAddress, "127.0.0.1:8081");
    EXPECT_TRUE(reopened.servers[0].externalAddress.empty());
}

TEST(ScenarioFileTest, SavingIntoAMissingFolderFailsWithThePath)
{
    const auto path = std::filesystem::path(LBLAB_TEST_OUTPUT_DIR) / "no-such-folder" / "x" / "lab.json";
    try {
        ScenarioFile::save(unusualConfig(), path);
        FAIL() << "must not save";
    } catch (const ScenarioError& e) {
        EXPECT_NE(std::string(e.what()).find(path.string() + ": cannot write"), std::string::npos) << e.what();
    }
}

TEST(ScenarioFileTest, EveryEmbeddedPresetLoadsAndRoundTrips)
{
    ASSERT_GE(embeddedPresets().size(), 12u);
    for (const auto& file : embeddedPresets()) {
        SCOPED_TRACE(std::string(file.name));
        LabConfig c;
        ASSERT_NO_THROW(c = ScenarioFile::parse(file.text, std::string(file.name) + ".json", std::string(file.name)));
        EXPECT_EQ(c.preset, file.name) << "the name inside matches the file name";
        EXPECT_FALSE(c.title.empty());
        EXPECT_FALSE(c.whatItShows.empty());
        EXPECT_FALSE(c.whatToWatch.empty());
        EXPECT_FALSE(c.clients.empty());
        const LabConfig again = ScenarioFile::parse(ScenarioFile::toJson(c), "again.json");
        std::string why;
        EXPECT_TRUE(sameConfig(c, again, why)) << "differs in " << why;
    }
}

TEST(ScenarioFileTest, PresetCatalogServesTheFilesInTeachingOrder)
{
    const auto& all = PresetCatalog::all();
    ASSERT_EQ(all.size(), embeddedPresets().size());
    EXPECT_EQ(PresetCatalog::defaultPreset().preset, "round-robin-basics");
    EXPECT_EQ(all[2].preset, "login-round-robin");
    EXPECT_EQ(all[all.size() - 5].preset, "slow-server");
    EXPECT_EQ(all[all.size() - 4].preset, "power-of-two");
    EXPECT_EQ(all.back().preset, "signed-sessions");
    EXPECT_EQ(PresetCatalog::find("session-store-failure")->sessionStore, SessionStoreKind::Shared);
    EXPECT_EQ(PresetCatalog::find("signed-sessions")->sessionStore, SessionStoreKind::Client);

    const LabConfig* failure = PresetCatalog::find("server-failure");
    ASSERT_NE(failure, nullptr);
    ASSERT_GE(failure->timeline.size(), 3u);
    EXPECT_EQ(failure->timeline[0].action, TimelineStep::Action::Note);
    EXPECT_EQ(failure->timeline[0].atSeconds, 4);
    EXPECT_EQ(failure->timeline[1].action, TimelineStep::Action::KillBackend);
    EXPECT_EQ(failure->timeline[1].atSeconds, 5);
    EXPECT_EQ(failure->timeline[1].target, "s2");
    EXPECT_EQ(failure->timeline.back().action, TimelineStep::Action::RestoreBackend);
    EXPECT_EQ(failure->timeline.back().atSeconds, 15);

    const LabConfig* slow = PresetCatalog::find("slow-server");
    ASSERT_NE(slow, nullptr);
    EXPECT_EQ(slow->policy, "least-connections");
    ASSERT_EQ(slow->servers.size(), 3u);
    EXPECT_EQ(slow->servers[2].serviceTimeMs, 20);
    EXPECT_EQ(slow->timeline.back().action, TimelineStep::Action::SwitchPolicy);
    EXPECT_EQ(slow->timeline.back().target, "round-robin");
    EXPECT_EQ(slow->timeline.back().atSeconds, 20);

    const LabConfig* p2c = PresetCatalog::find("power-of-two");
    ASSERT_NE(p2c, nullptr);
    EXPECT_EQ(p2c->policy, "power-of-two");
    EXPECT_EQ(p2c->servers.size(), 8u);
    EXPECT_EQ(PresetCatalog::find("nope"), nullptr);
}

} // namespace
} // namespace lblab

namespace lblab {
namespace {

TEST(ScenarioFileHashKeyTest, ChosenHashKeyIsReadCheckedAndSaved)
{
    const LabConfig c = ScenarioFile::parse(
        R"({"policy": "consistent-hash", "policy_options": {"hash_key": "cookie:SESSIONID"}, "servers": [{"name": "a"}]})",
        "key.json", "key");
    EXPECT_EQ(c.policyOptions.hashKey, "cookie:SESSIONID");
    EXPECT_EQ(ScenarioFile::parse(ScenarioFile::toJson(c), "again.json").policyOptions.hashKey, "cookie:SESSIONID");
    try {
        ScenarioFile::parse(R"({"policy_options": {"hash_key": "header:X"}, "servers": [{"name": "a"}]})", "bad.json");
        FAIL() << "an unknown hash key must be refused";
    } catch (const ScenarioError& e) {
        EXPECT_NE(std::string(e.what()).find("bad.json: policy_options.hash_key"), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace lblab
