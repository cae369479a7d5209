// --backend ADDR:PORT and --clients 0 through the real lblab binary: outside servers, outside clients.

#include "core/backend/backend_server.h"
#include "support/outside_servers.h"
#include "support/run_lblab.h"
#include "support/test_http_client.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <boost/asio/executor_work_guard.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>
#include <unistd.h>
#include <sys/wait.h>

namespace {

using lblab::test::outputPath;

namespace asio = boost::asio;

lblab::test::LblabResult lblab(const std::string& args) { return lblab::test::runLblab(args, "cli-backend"); }

using OutsideServers = lblab::test::OutsideServers;

TEST(CliBackendTest, BadBackendFailsWithOneClearLine)
{
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"--headless --backend nowhere", "--backend needs ADDRESS:PORT"},
        {"--headless --backend localhost:80", "--backend needs an IPv4 address"},
        {"--headless --backend 127.0.0.1:0", "--backend port must be between"},
        {"--headless --backend 127.0.0.1:99999", "--backend port must be between"},
        {"--headless --backend", "--backend needs a value"},
    };
    for (const auto& [args, mentions] : cases) {
        const auto r = lblab(args);
        EXPECT_EQ(r.status, 2) << args;
        EXPECT_NE(r.err.find(mentions), std::string::npos) << args << " -> " << r.err;
    }
}

TEST(CliBackendTest, HelpMentionsBackend)
{
    const auto r = lblab("--help");
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("--backend ADDR:PORT"), std::string::npos);
}

TEST(CliBackendTest, OutsideClientsThroughLblabReachOutsideServers)
{
    OutsideServers outside(2);
    const auto dir = outputPath("cli-backend-export");
    std::filesystem::remove_all(dir);
    lblab::test::BackgroundLblab lab(std::string("--headless --clients 0 --duration 2.5 --io-threads 1 --policy "
                                                 "round-robin --backend ") +
                                     outside.address(0) + " --backend " + outside.address(1) + " --export " + dir.string());
    ASSERT_FALSE(lab.url().empty()) << "lblab named no balancer in its banner: " << lab.banner();
    const std::string host = lab.host();
    const int port = lab.port();

    std::map<std::string, int> hits;
    {
        lblab::test::TestHttpClient client({asio::ip::make_address(host), static_cast<unsigned short>(port)});
        for (int i = 0; i < 30; ++i)
            if (auto a = client.get("/search?loc=eu"); a && a->status == 200)
                ++hits[a->backend];
    }
    std::string rest;
    EXPECT_EQ(lab.finish(&rest), 0) << rest;

    EXPECT_EQ(hits["outside1"], 15);
    EXPECT_EQ(hits["outside2"], 15);
    std::ifstream in(dir / "run.json");
    ASSERT_TRUE(in) << "no run.json";
    const auto run = nlohmann::json::parse(in);
    EXPECT_EQ(run["summary"]["requests"], 30);
    ASSERT_EQ(run["summary"]["servers"].size(), 2u);
    EXPECT_EQ(run["summary"]["servers"][0]["name"], "s1");
    EXPECT_EQ(run["config"]["servers"][1]["address"], outside.address(1));
}

} // namespace
