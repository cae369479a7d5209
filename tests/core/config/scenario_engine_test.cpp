// A scenario file's "engine": read, checked against the policies the engine has, and saved.

#include "core/config/scenario_error.h"
#include "core/config/scenario_file.h"

#include <gtest/gtest.h>

namespace lblab {
namespace {

TEST(ScenarioEngineTest, TheEngineIsReadAndSavedAndDefaultsToBuiltin)
{
    const LabConfig plain = ScenarioFile::parse(R"({"servers": [{"name": "a"}]})", "plain.json");
    EXPECT_EQ(plain.engine, EngineKind::Builtin);
    const LabConfig c =
        ScenarioFile::parse(R"({"engine": "haproxy", "policy": "cookie-affinity", "servers": [{"name": "a"}]})", "h.json");
    EXPECT_EQ(c.engine, EngineKind::Haproxy);
    const std::string saved = ScenarioFile::toJson(c);
    EXPECT_NE(saved.find("\"engine\": \"haproxy\""), std::string::npos) << saved;
    EXPECT_EQ(ScenarioFile::parse(saved, "again.json").engine, EngineKind::Haproxy);
}

TEST(ScenarioEngineTest, AnUnknownEngineNamesTheKnownOnes)
{
    try {
        ScenarioFile::parse(R"({"engine": "envoy", "servers": [{"name": "a"}]})", "e.json");
        FAIL() << "an unknown engine was accepted";
    } catch (const ScenarioError& e) {
        EXPECT_EQ(e.fieldPath(), "engine");
        EXPECT_NE(e.reason().find("builtin, haproxy, nginx"), std::string::npos) << e.reason();
    }
}

TEST(ScenarioEngineTest, APolicyTheEngineLacksIsRefusedWhereverItIsNamed)
{
    try {
        ScenarioFile::parse(R"({"engine": "nginx", "policy": "cookie-affinity", "servers": [{"name": "a"}]})", "n.json");
        FAIL() << "NGINX was given a sticky cookie";
    } catch (const ScenarioError& e) {
        EXPECT_EQ(e.fieldPath(), "policy");
        EXPECT_NE(e.reason().find("sticky"), std::string::npos) << e.reason();
    }
    try {
        ScenarioFile::parse(R"({"engine": "nginx", "servers": [{"name": "a"}],
            "timeline": [{"at_s": 1, "action": "switch-policy", "policy": "source-ip-affinity"}]})",
                            "t.json");
        FAIL() << "a timeline step switched NGINX to a table it does not have";
    } catch (const ScenarioError& e) {
        EXPECT_EQ(e.fieldPath(), "timeline[0].policy");
    }
}

} // namespace
} // namespace lblab
