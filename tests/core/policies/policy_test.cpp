// Policy::decide() into a reused Decision: what the balancer does per connection.

#include "core/policies/policy_catalog.h"
#include "policy_test_util.h"

#include <gtest/gtest.h>

namespace lblab {
namespace {

using test::makeBackends;
using test::makeRequest;

TEST(PolicyDecide, EveryPolicyResetsWhatTheLastRequestLeftInTheDecision)
{
    // A reused Decision still holds the previous request's pick: a stale Set-Cookie or key would
    // leak into the next client's answer and the capture.
    const auto backends = makeBackends(3);
    for (const auto& descriptor : PolicyCatalog::all()) {
        auto policy = PolicyCatalog::make(descriptor.id, PolicyOptions{});
        policy->backendsChanged(backends);
        Decision d;
        d.backend = 7;
        d.kind = DecisionKind::Pinned;
        d.key = "a key left over from the request before, longer than any inline buffer";
        d.setCookie = "SRVID=stale; Path=/";
        policy->decide(makeRequest(0x7F010203u, "/search", "theme=dark"), backends, d);
        const Decision fresh = PolicyCatalog::make(descriptor.id, PolicyOptions{})->choose(
            makeRequest(0x7F010203u, "/search", "theme=dark"), backends);
        EXPECT_NE(d.setCookie, "SRVID=stale; Path=/") << descriptor.id;
        EXPECT_NE(d.key, "a key left over from the request before, longer than any inline buffer") << descriptor.id;
        EXPECT_GE(d.backend, 0) << descriptor.id;
        EXPECT_LT(d.backend, 3) << descriptor.id;
        EXPECT_EQ(d.setCookie.empty(), fresh.setCookie.empty()) << descriptor.id;
        EXPECT_EQ(d.key.empty(), fresh.key.empty()) << descriptor.id;
    }
}

TEST(PolicyDecide, AReusedDecisionKeepsItsKeyBuffer)
{
    // url-hash's key is the whole target: longer than std::string's inline buffer.
    auto policy = PolicyCatalog::make("url-hash", PolicyOptions{});
    const auto backends = makeBackends(4);
    policy->backendsChanged(backends);
    Decision d;
    policy->decide(makeRequest(0x7F010203u, "/account?sid=s17-123456789"), backends, d);
    ASSERT_EQ(d.key, "/account?sid=s17-123456789");
    const char* buffer = d.key.data();
    policy->decide(makeRequest(0x7F010204u, "/account?sid=s18-987654321"), backends, d);
    EXPECT_EQ(d.key, "/account?sid=s18-987654321");
    EXPECT_EQ(d.key.data(), buffer) << "the key was reallocated for a request of the same length";
}

} // namespace
} // namespace lblab
