// The headless run interrupted by SIGTERM under load: it must still print its summary and export.

#include "core/record/csv_reader.h"
#include "support/run_lblab.h"
#include "support/test_http_client.h"

#include <boost/asio/ip/tcp.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {

TEST(CliSignalsTest, SigtermUnderLoadEndsTheRunWithSummaryAndCompleteExport)
{
    const auto dir = std::filesystem::path(LBLAB_TEST_OUTPUT_DIR) / "cli-sigterm";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir.parent_path());
    const auto outFile = dir.string() + ".out";
    // A port that was free a moment ago, so the test can reach the balancer.
    namespace asio = boost::asio;
    asio::io_context io;
    asio::ip::tcp::endpoint balancer(asio::ip::address_v4::loopback(), 0);
    {
        asio::ip::tcp::acceptor probe(io, balancer);
        balancer.port(probe.local_endpoint().port());
    }
    const std::string listen = "127.0.0.1:" + std::to_string(balancer.port());
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        std::freopen(outFile.c_str(), "w", stdout);
        ::execl(LBLAB_BINARY, LBLAB_BINARY, "--headless", "--duration", "60", "--json", "--listen", listen.c_str(),
                "--export", dir.c_str(), nullptr);
        ::_exit(127);
    }
    // A client of the test's own keeps requests in flight while the signal comes (the run's own
    // users do too); its first answer shows the lab runs.
    std::atomic<bool> probing{true};
    std::atomic<int> answered{0};
    std::thread prober([&] {
        lblab::test::TestHttpClient client(balancer);
        const auto ok = [&] {
            const auto a = client.get("/search");
            return a && a->status == 200;
        };
        if (!lblab::test::waitFor([&] { return !probing || ok(); }))
            return;
        ++answered;
        while (probing && ok()) // until the lab stops listening
            ++answered;
    });
    const bool running = lblab::test::waitFor([&] { return answered.load() > 0; });
    if (running)
        ::kill(pid, SIGTERM);
    int status = 0;
    const bool exited = lblab::test::waitForExit(pid, status);
    probing = false;
    prober.join();
    ASSERT_TRUE(running) << "the balancer never answered";
    ASSERT_TRUE(exited) << "lblab did not exit after SIGTERM";
    ASSERT_TRUE(WIFEXITED(status)) << "lblab must exit by itself after SIGTERM, not die of it";
    EXPECT_EQ(WEXITSTATUS(status), 0);
    std::ifstream in(outFile);
    const std::string out((std::istreambuf_iterator<char>(in)), {});
    const auto j = nlohmann::json::parse(out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << out;
    ASSERT_TRUE(j.contains("requests")) << out;
    EXPECT_GT(j["requests"].get<int>(), 0);
    const auto events = lblab::CsvReader::readFile(dir / "events.csv");
    ASSERT_TRUE(events.ok()) << events.error;
    EXPECT_EQ(events.rows.size(), j["requests"].get<std::size_t>() + 1) << "every request is in the export";
    EXPECT_TRUE(std::filesystem::exists(dir / "run.json"));
    EXPECT_TRUE(std::filesystem::exists(dir / "servers.csv"));
}

} // namespace
