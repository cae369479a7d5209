// The window's command line for slides and handouts (--quit-after, --screenshot, --json), through the
// real lblab binary on Qt's offscreen platform.

#include "support/run_lblab.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace {

/// Width and height from a PNG's IHDR chunk; {0, 0} when the file is not a PNG.
std::pair<std::uint32_t, std::uint32_t> pngSize(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    unsigned char head[24] = {};
    if (!in.read(reinterpret_cast<char*>(head), sizeof head) || head[1] != 'P' || head[2] != 'N' || head[3] != 'G')
        return {0, 0};
    auto be32 = [&](int at) {
        return std::uint32_t(head[at]) << 24 | std::uint32_t(head[at + 1]) << 16 | std::uint32_t(head[at + 2]) << 8 |
               std::uint32_t(head[at + 3]);
    };
    return {be32(16), be32(20)};
}

std::filesystem::path freshDir(const std::string& name)
{
    auto dir = std::filesystem::path(LBLAB_TEST_OUTPUT_DIR) / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

class CliWindowTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        // The window remembers its last preset and layout; this test's must not leak into others.
        const auto config = freshDir("cli-window-config");
        ::setenv("XDG_CONFIG_HOME", config.c_str(), 1);
        ::setenv("QT_QPA_PLATFORM", "offscreen", 1);
    }
};

} // namespace

TEST_F(CliWindowTest, QuitAfterEndsTheWindowRunAndPrintsTheHeadlessSummary)
{
    const auto dir = freshDir("cli-window-run");
    const auto shot = dir / "window.png";
    const auto result = lblab::test::runLblab("--preset login-round-robin --clients 37 --quit-after 2 --json --screenshot " +
                                                  shot.string() + " --export " + (dir / "export").string(),
                                              "cli-window");
    ASSERT_EQ(result.status, 0) << result.err;
    const auto j = nlohmann::json::parse(result.out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << result.out;
    // The same fields a headless run prints (docs/csv-format.md), and the users of this run.
    for (const char* field : {"preset", "policy", "duration_s", "requests", "errors", "servers", "sessions", "ip_changes",
                              "affinity_breaks", "repins", "remapped_clients", "table_size", "fairness", "users"})
        EXPECT_TRUE(j.contains(field)) << field;
    EXPECT_EQ(j.value("preset", ""), "login-round-robin");
    EXPECT_EQ(j.value("users", 0), 37);
    EXPECT_GE(j.value("duration_s", 0.0), 2.0);
    EXPECT_GT(j.value("requests", 0), 0);
    // The picture is the window, at its size, not an empty file.
    const auto [width, height] = pngSize(shot);
    EXPECT_GE(width, 800u) << shot;
    EXPECT_GE(height, 500u) << shot;
    EXPECT_TRUE(std::filesystem::exists(dir / "export" / "events.csv"));
    EXPECT_TRUE(std::filesystem::exists(dir / "export" / "run.json"));
}

TEST_F(CliWindowTest, WindowOptionsRefuseBadInputWithOneLine)
{
    struct Case {
        std::string args;
        std::string mentions;
    };
    for (const Case& c : std::vector<Case>{
             {"--headless --quit-after 2", "--quit-after goes with the window"},
             {"--headless --screenshot x.png", "--screenshot goes with the window"},
             {"--quit-after soon", "--quit-after needs a number"},
             {"--quit-after 1 --screenshot shot.jpg", "--screenshot needs a .png"},
             {"--quit-after 1 --screenshot /no/such/folder/shot.png", "does not exist"},
             {"--json", "--json and --export go with --headless or with --quit-after"},
         }) {
        const auto r = lblab::test::runLblab(c.args, "cli-window-bad");
        EXPECT_EQ(r.status, 2) << c.args;
        EXPECT_NE(r.err.find(c.mentions), std::string::npos) << c.args << ": " << r.err;
    }
}
