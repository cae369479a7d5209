// A running lab read from other threads while its control thread changes it: the summary and the
// export (the window exports on a thread of its own) must see a consistent lab. Run it under
// ThreadSanitizer (scripts/test.sh --sanitize thread) to prove there is no data race.

#include "core/config/preset_catalog.h"
#include "core/config/scenario_file.h"
#include "core/lab/lab.h"
#include "support/wait_for.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

namespace lblab {
namespace {

LabConfig smallLab()
{
    LabConfig c = *PresetCatalog::find("round-robin-basics");
    c.requestRate = 300;
    c.clients[0].count = 30;
    return c;
}

std::filesystem::path freshDir(const std::string& name)
{
    auto dir = std::filesystem::path(LBLAB_TEST_OUTPUT_DIR) / name;
    std::filesystem::remove_all(dir);
    return dir;
}

TEST(LabConcurrencyTest, ExportsAndSummariesWhileServersComeAndGo)
{
    Lab lab(smallLab());
    lab.start();
    ASSERT_EVENTUALLY(lab.capture().totals().requests >= 30);

    const auto root = freshDir("lab-concurrent-export");
    constexpr int kExports = 4;
    std::atomic<int> exported{0};
    std::atomic<int> summaries{0};
    std::string failure;
    std::thread exporter([&] {
        try {
            for (int i = 0; i < kExports; ++i) {
                lab.exportRun(root / ("run" + std::to_string(i)));
                ++exported;
                for (int k = 0; k < 20; ++k) {
                    const RunSummary s = lab.summary();
                    if (s.servers.empty())
                        failure = "a summary with no servers";
                    ++summaries;
                }
            }
        } catch (const std::exception& e) {
            failure = e.what();
        }
    });
    // Meanwhile the user reshapes the lab: every command runs on the control thread.
    std::vector<std::string> added;
    while (exported < kExports || added.size() < 3) {
        added.push_back(lab.addBackend());
        lab.killBackend("s1");
        lab.setPolicy(added.size() % 2 ? "least-connections" : "round-robin");
        lab.restoreBackend("s1");
        lab.setWeight("s2", static_cast<int>(added.size() % 3) + 1);
        if (added.size() > 3)
            lab.removeBackend(added[added.size() - 4]);
        const bool taken = test::waitFor([&] { return lab.summary().servers.size() >= 3 + added.size(); });
        EXPECT_TRUE(taken) << "the control thread took the command";
        if (!taken || added.size() > 40)
            break; // enough: the exporter is slow on a loaded machine, the reshaping need not go on
    }
    exporter.join();
    lab.stop();
    EXPECT_EQ(failure, "");
    EXPECT_EQ(exported.load(), kExports);
    EXPECT_EQ(summaries.load(), kExports * 20);
    for (int i = 0; i < kExports; ++i) {
        const auto dir = root / ("run" + std::to_string(i));
        std::ifstream in(dir / "run.json");
        const auto run = nlohmann::json::parse(in);
        EXPECT_GE(run["summary"]["servers"].size(), 3u) << dir;
        EXPECT_NO_THROW(ScenarioFile::parse(run["config"].dump(), dir.string())) << "a whole, valid configuration";
        EXPECT_TRUE(std::filesystem::file_size(dir / "events.csv") > 0) << dir;
    }
}

TEST(LabConcurrencyTest, AHeadlessLabBuildsSnapshotsOnlyWhenAsked)
{
    Lab headless(smallLab());
    headless.setPeriodicSnapshots(false);
    headless.start();
    Lab windowed(smallLab());
    windowed.start();
    // The windowed lab publishes on its own about 30 times a second; the headless one never does.
    ASSERT_EVENTUALLY(windowed.snapshot()->sequence >= 5);
    ASSERT_EVENTUALLY(headless.capture().totals().requests >= 30);
    const std::uint64_t first = headless.snapshot()->sequence;
    EXPECT_EQ(first, 1u) << "only the snapshot taken at start";
    EXPECT_EQ(headless.publishNow()->sequence, first + 1) << "publishNow still works";
    EXPECT_EQ(headless.snapshot()->sequence, first + 1);
    headless.stop();
    windowed.stop();
    EXPECT_GT(headless.summary().totals.requests, 0u);
}

} // namespace
} // namespace lblab
