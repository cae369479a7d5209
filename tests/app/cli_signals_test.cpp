// The headless run interrupted by SIGTERM under load: it must still print its summary and export.

#include "core/record/csv_reader.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        std::freopen(outFile.c_str(), "w", stdout);
        ::execl(LBLAB_BINARY, LBLAB_BINARY, "--headless", "--duration", "60", "--json", "--export", dir.c_str(),
                nullptr);
        ::_exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500)); // under load by now
    ::kill(pid, SIGTERM);
    int status = 0;
    pid_t done = 0;
    for (int i = 0; i < 150 && (done = ::waitpid(pid, &status, WNOHANG)) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (done == 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        FAIL() << "lblab did not exit within 15 s of SIGTERM";
    }
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
