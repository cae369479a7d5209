#include "core/engines/run_dir.h"

#include <gtest/gtest.h>

#include <fstream>

#include <sys/stat.h>

namespace lblab {

TEST(RunDirTest, IsPrivateNamedAfterThePrefixAndRemovedWithItsFiles)
{
    std::filesystem::path path;
    {
        const RunDir dir = RunDir::create("rundirtest");
        path = dir.path();
        EXPECT_TRUE(path.filename().string().starts_with("lblab-rundirtest-")) << path;
        EXPECT_EQ(path.parent_path(), std::filesystem::temp_directory_path());
        struct stat info{};
        ASSERT_EQ(::stat(path.c_str(), &info), 0);
        EXPECT_TRUE(S_ISDIR(info.st_mode));
        EXPECT_EQ(info.st_mode & 07777, 0700u);
        std::filesystem::create_directories(path / "sub");
        std::ofstream(path / "sub" / "file.txt") << "x";
        ASSERT_TRUE(std::filesystem::exists(path / "sub" / "file.txt"));
    }
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(RunDirTest, TwoFoldersDifferAndAMoveKeepsTheFolder)
{
    RunDir a = RunDir::create("rundirtest");
    const RunDir b = RunDir::create("rundirtest");
    EXPECT_NE(a.path(), b.path());
    const auto path = a.path();
    RunDir moved = std::move(a);
    EXPECT_EQ(moved.path(), path);
    EXPECT_TRUE(std::filesystem::exists(path));
    {
        RunDir target = RunDir::create("rundirtest");
        const auto replaced = target.path();
        target = std::move(moved);
        EXPECT_FALSE(std::filesystem::exists(replaced));
        EXPECT_TRUE(std::filesystem::exists(path));
    }
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(RunDirTest, FailureNamesTheFolder)
{
    try {
        RunDir::create("no/such/sub/folder");
        FAIL() << "expected an exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("lblab-no/such/sub/folder-XXXXXX"), std::string::npos) << e.what();
    }
}

} // namespace lblab
