#include "core/fleet/arrival_generator.h"
#include "core/fleet/user_script.h"

#include <boost/beast/http/message.hpp>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

using namespace lblab;
namespace http = boost::beast::http;

namespace {
// The (user, path) sequence the fleet would send if every answer were a plain 200.
std::vector<std::pair<std::size_t, std::string>> workload(std::uint64_t seed, int n)
{
    std::vector<UserScript> users;
    std::vector<double> weights;
    for (int i = 0; i < 20; ++i) {
        users.emplace_back("c" + std::to_string(i), i % 2 ? ClientBehaviour::Login : ClientBehaviour::Anonymous,
                           SessionCarrier::Cookie, "eu");
        weights.push_back(1.0);
    }
    ArrivalGenerator gen(weights, 300, seed);
    std::vector<std::pair<std::size_t, std::string>> out;
    for (int i = 0; i < n; ++i) {
        const Arrival a = gen.next();
        auto req = users[a.user].nextRequest("lb");
        out.emplace_back(a.user, std::string(req.target()));
        http::response_header<> ok;
        ok.result(http::status::ok);
        users[a.user].onResponse(ok);
    }
    return out;
}
} // namespace

TEST(ArrivalGenerator, SameSeedSameWorkload)
{
    const auto a = workload(42, 500);
    const auto b = workload(42, 500);
    const auto c = workload(43, 500);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    bool sawLogin = false, sawAccount = false, sawSearch = false;
    for (const auto& [user, path] : a) {
        sawLogin |= path == "/login";
        sawAccount |= path == "/account";
        sawSearch |= path == "/search?loc=eu";
    }
    EXPECT_TRUE(sawLogin && sawAccount && sawSearch);
}

TEST(ArrivalGenerator, SameSeedSameGaps)
{
    ArrivalGenerator a({1, 2, 3}, 100, 5), b({1, 2, 3}, 100, 5);
    for (int i = 0; i < 100; ++i) {
        const Arrival x = a.next(), y = b.next();
        EXPECT_EQ(x.gapSeconds, y.gapSeconds);
        EXPECT_EQ(x.user, y.user);
    }
}

TEST(ArrivalGenerator, RateAndSharesMatchOnAverage)
{
    ArrivalGenerator gen({1.0, 3.0, 0.0}, 250, 9);
    const int n = 20000;
    double total = 0;
    int counts[3] = {0, 0, 0};
    for (int i = 0; i < n; ++i) {
        const Arrival a = gen.next();
        total += a.gapSeconds;
        ASSERT_LT(a.user, 3u);
        ++counts[a.user];
    }
    EXPECT_NEAR(n / total, 250.0, 10.0);
    EXPECT_EQ(counts[2], 0);
    EXPECT_NEAR(static_cast<double>(counts[1]) / counts[0], 3.0, 0.25);
}

TEST(ArrivalGenerator, ZeroRateOrNoWeightNeverArrives)
{
    ArrivalGenerator zero({1.0}, 0, 1);
    EXPECT_FALSE(zero.active());
    EXPECT_TRUE(std::isinf(zero.next().gapSeconds));
    zero.setRate(10);
    EXPECT_TRUE(zero.active());
    EXPECT_TRUE(std::isfinite(zero.next().gapSeconds));

    ArrivalGenerator none({0.0, 0.0}, 100, 1);
    EXPECT_FALSE(none.active());
    ArrivalGenerator empty({}, 100, 1);
    EXPECT_FALSE(empty.active());
    EXPECT_TRUE(std::isinf(empty.next().gapSeconds));
    ArrivalGenerator negative({1.0}, -5, 1);
    EXPECT_FALSE(negative.active());
}
