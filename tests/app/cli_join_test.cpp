// --listen 0.0.0.0:PORT through the real lblab binary: the run works as on loopback, and a warning on
// stderr names the address other devices use (stdout stays one JSON document).

#include "support/run_lblab.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>

namespace {

TEST(CliJoinTest, AllInterfacesWarnAndNameTheJoinAddress)
{
    const auto r = lblab::test::runLblab("--headless --preset round-robin-basics --clients 20 --rate 50 "
                                         "--listen 0.0.0.0:0 --duration 1 --json",
                                         "cli-join");
    ASSERT_EQ(r.status, 0) << r.err;
    const auto summary = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_FALSE(summary.is_discarded()) << "stdout is JSON only: " << r.out;
    EXPECT_GT(summary["requests"].get<long>(), 0) << "the generated users reach a balancer on 0.0.0.0";
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.err, m, std::regex(R"(lblab: Warning: the balancer listens on 0\.0\.0\.0:(\d+))")))
        << r.err;
    const std::string port = m[1].str();
    EXPECT_NE(port, "0") << "the port it really listens on";
    // Either the address others open, or plainly that there is none (and the loopback URL).
    const bool named = std::regex_search(r.err, std::regex("Other devices open http://[0-9.]+:" + port + "/"));
    const bool none = r.err.find("no network address other than loopback") != std::string::npos &&
                      r.err.find("http://127.0.0.1:" + port + "/") != std::string::npos;
    EXPECT_TRUE(named || none) << r.err;
}

TEST(CliJoinTest, LoopbackSaysNothing)
{
    const auto r = lblab::test::runLblab("--headless --preset round-robin-basics --clients 5 --rate 20 "
                                         "--listen 127.0.0.1:0 --duration 0.5",
                                         "cli-join-loopback");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err.find("Warning"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("balancer at http://127.0.0.1:"), std::string::npos) << r.out;
}

} // namespace
