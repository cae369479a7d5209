#include "core/engines/engine_catalog.h"

#include "core/policies/policy_catalog.h"

#include <gtest/gtest.h>

#include <string>

namespace lblab {
namespace {

TEST(EngineCatalogTest, IdsRoundTrip)
{
    ASSERT_EQ(EngineCatalog::all().size(), 3u);
    EXPECT_EQ(EngineCatalog::all().front(), EngineKind::Builtin);
    for (EngineKind kind : EngineCatalog::all()) {
        const auto parsed = EngineCatalog::parse(EngineCatalog::id(kind));
        ASSERT_TRUE(parsed.has_value()) << EngineCatalog::id(kind);
        EXPECT_EQ(*parsed, kind);
    }
    EXPECT_EQ(EngineCatalog::parse("haproxy"), EngineKind::Haproxy);
    EXPECT_EQ(EngineCatalog::parse("nginx"), EngineKind::Nginx);
    EXPECT_EQ(EngineCatalog::parse("builtin"), EngineKind::Builtin);
    EXPECT_FALSE(EngineCatalog::parse("HAProxy").has_value());
    EXPECT_FALSE(EngineCatalog::parse("").has_value());
    EXPECT_FALSE(EngineCatalog::parse("envoy").has_value());
}

TEST(EngineCatalogTest, NamesAndPrograms)
{
    EXPECT_EQ(EngineCatalog::displayName(EngineKind::Builtin), "Builtin");
    EXPECT_EQ(EngineCatalog::displayName(EngineKind::Haproxy), "HAProxy");
    EXPECT_EQ(EngineCatalog::displayName(EngineKind::Nginx), "NGINX");
    EXPECT_EQ(EngineCatalog::programName(EngineKind::Builtin), "");
    EXPECT_EQ(EngineCatalog::programName(EngineKind::Haproxy), "haproxy");
    EXPECT_EQ(EngineCatalog::programName(EngineKind::Nginx), "nginx");
}

TEST(EngineCatalogTest, BuiltinAndHaproxyRunEveryPolicy)
{
    for (const auto& policy : PolicyCatalog::all())
        for (EngineKind kind : {EngineKind::Builtin, EngineKind::Haproxy}) {
            const EngineSupport s = EngineCatalog::support(kind, policy.id);
            EXPECT_TRUE(s.supported) << EngineCatalog::id(kind) << " " << policy.id;
            EXPECT_TRUE(s.reason.empty());
        }
}

TEST(EngineCatalogTest, NginxOpenSourceRunsNoStatefulPolicy)
{
    int supported = 0;
    for (const auto& policy : PolicyCatalog::all()) {
        const EngineSupport s = EngineCatalog::support(EngineKind::Nginx, policy.id);
        EXPECT_EQ(s.supported, !policy.stateful) << policy.id;
        EXPECT_EQ(s.reason.empty(), s.supported) << policy.id;
        supported += s.supported ? 1 : 0;
    }
    EXPECT_EQ(supported, 9);
    EXPECT_EQ(EngineCatalog::support(EngineKind::Nginx, "source-ip-affinity").reason,
              "NGINX open source keeps no client-address table (sticky is NGINX Plus)");
    EXPECT_EQ(EngineCatalog::support(EngineKind::Nginx, "session-affinity").reason,
              "NGINX open source cannot learn a session cookie from a response (sticky learn is NGINX Plus)");
    EXPECT_NE(EngineCatalog::support(EngineKind::Nginx, "cookie-affinity").reason.find("no sticky cookie"),
              std::string::npos);
    EXPECT_NE(EngineCatalog::support(EngineKind::Nginx, "url-param-affinity").reason.find("NGINX Plus"),
              std::string::npos);
}

TEST(EngineCatalogTest, UnknownPolicyIsUnsupportedForEveryEngineAndNamed)
{
    for (EngineKind kind : EngineCatalog::all()) {
        const EngineSupport s = EngineCatalog::support(kind, "telepathy");
        EXPECT_FALSE(s.supported);
        EXPECT_NE(s.reason.find("telepathy"), std::string::npos) << s.reason;
    }
}

TEST(EngineCatalogTest, NotesExplainHowEachEngineDoesIt)
{
    EXPECT_NE(EngineCatalog::note(EngineKind::Nginx, "ip-hash").find("hash $remote_addr"), std::string::npos);
    EXPECT_NE(EngineCatalog::note(EngineKind::Nginx, "ip-hash").find("three octets"), std::string::npos);
    EXPECT_NE(EngineCatalog::note(EngineKind::Haproxy, "source-ip-affinity").find("stick on src"),
              std::string::npos);
    EXPECT_EQ(EngineCatalog::note(EngineKind::Nginx, "cookie-affinity"),
              EngineCatalog::support(EngineKind::Nginx, "cookie-affinity").reason);
    EXPECT_TRUE(EngineCatalog::note(EngineKind::Builtin, "round-robin").empty());
    EXPECT_TRUE(EngineCatalog::note(EngineKind::Haproxy, "telepathy").empty());
    for (const auto& policy : PolicyCatalog::all()) {
        EXPECT_FALSE(EngineCatalog::note(EngineKind::Haproxy, policy.id).empty()) << policy.id;
        EXPECT_FALSE(EngineCatalog::note(EngineKind::Nginx, policy.id).empty()) << policy.id;
    }
}

} // namespace
} // namespace lblab
