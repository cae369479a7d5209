// Sorting events.csv rows by t_ms: in memory, through sorted runs on disk, merged in several
// passes, with awkward quoted rows, and leaving no temporary file behind (even when writing fails).

#include "core/record/time_ordered_rows.h"

#include "core/record/csv_reader.h"
#include "core/record/csv_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

namespace lblab {
namespace {

namespace fs = std::filesystem;

class TimeOrderedRowsTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        const auto* info = testing::UnitTest::GetInstance()->current_test_info();
        m_dir = fs::path(testing::TempDir()) / ("lblab-sort-" + std::to_string(::getpid()) + "-" + info->name());
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
    }
    void TearDown() override { fs::remove_all(m_dir); }

    std::size_t filesInDir() const
    {
        return static_cast<std::size_t>(std::distance(fs::directory_iterator(m_dir), fs::directory_iterator()));
    }

    /// Rows "t_ms,seq,text": times drawn out of order (some equal), seq is the record order.
    static std::string makeRows(int count, std::uint64_t seed, int firstSeq = 0)
    {
        std::mt19937_64 rng(seed);
        std::string text;
        CsvWriter w(text);
        for (int i = 0; i < count; ++i) {
            // Few distinct times, so many rows tie and stability is put to the test.
            const std::int64_t us = static_cast<std::int64_t>(rng() % 500) * 1000 + static_cast<std::int64_t>(rng() % 2) * 7;
            std::string body = "row " + std::to_string(firstSeq + i);
            if (i % 7 == 0)
                body += ",with \"quotes\"\r\nand a line break"; // must stay one row
            w.millis(us).field(firstSeq + i).field(body);
            w.endRow();
        }
        return text;
    }

    /// Parses the output and checks it is sorted by time, stable, and holds seq 0..count-1 once each.
    static void expectSortedAndComplete(const std::string& out, int count)
    {
        const auto csv = CsvReader::parse(out);
        ASSERT_TRUE(csv.ok()) << csv.error;
        ASSERT_EQ(csv.rows.size(), static_cast<std::size_t>(count));
        std::vector<bool> seen(static_cast<std::size_t>(count), false);
        double lastMs = -1;
        int lastSeq = -1;
        for (const auto& row : csv.rows) {
            ASSERT_EQ(row.size(), 3u);
            const double ms = std::stod(row[0]);
            const int seq = std::stoi(row[1]);
            ASSERT_GE(ms, lastMs) << "row " << seq << " is earlier than the row before";
            if (ms == lastMs) {
                ASSERT_GT(seq, lastSeq) << "equal times must keep record order";
            }
            ASSERT_FALSE(seen[static_cast<std::size_t>(seq)]) << "row " << seq << " twice";
            seen[static_cast<std::size_t>(seq)] = true;
            EXPECT_EQ(row[2].rfind("row " + row[1], 0), 0u);
            lastMs = ms;
            lastSeq = seq;
        }
        EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](bool b) { return b; }));
    }

    fs::path writeFile(const std::string& name, const std::string& text)
    {
        const fs::path path = m_dir / name;
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }

    fs::path m_dir;
};

TEST_F(TimeOrderedRowsTest, ReadsTheTimeOfARow)
{
    EXPECT_EQ(TimeOrderedRows::rowTimeUs("1234.567,c1,x\r\n"), 1234567);
    EXPECT_EQ(TimeOrderedRows::rowTimeUs("0.007,c1"), 7);
    EXPECT_EQ(TimeOrderedRows::rowTimeUs("-1.500,c1"), -1500);
    EXPECT_EQ(TimeOrderedRows::rowTimeUs("12.345"), 12345);
    EXPECT_FALSE(TimeOrderedRows::rowTimeUs("12.34,c1"));
    EXPECT_FALSE(TimeOrderedRows::rowTimeUs("abc,c1"));
    EXPECT_FALSE(TimeOrderedRows::rowTimeUs(".123,c1"));
    EXPECT_FALSE(TimeOrderedRows::rowTimeUs("1.2345,c1"));
    EXPECT_FALSE(TimeOrderedRows::rowTimeUs(""));

    const std::string two = "1.000,\"a\r\nb\"\r\n2.000,c\r\n";
    EXPECT_EQ(TimeOrderedRows::rowEnd(two, 0), two.find("2.000"));
    EXPECT_EQ(TimeOrderedRows::rowEnd(two, two.find("2.000")), two.size());
}

TEST_F(TimeOrderedRowsTest, RowsInMemoryAreSortedWithoutATemporaryFile)
{
    std::ostringstream out;
    {
        TimeOrderedRows rows({m_dir, 10});
        rows.addText(makeRows(500, 1));
        rows.write(out);
        EXPECT_EQ(rows.runFiles(), 0u);
    }
    EXPECT_EQ(filesInDir(), 0u);
    expectSortedAndComplete(out.str(), 500);
}

TEST_F(TimeOrderedRowsTest, AFileAndMemoryMergeThroughRunsOnDiskInSeveralPasses)
{
    // 2000 file rows in runs of 25 = 80 runs; merging 4 at a time needs several passes.
    const fs::path file = writeFile("spill.csv", makeRows(2000, 2) + "9.999,0,not part of the prefix\r\n");
    const std::uint64_t prefix = fs::file_size(file) - std::string("9.999,0,not part of the prefix\r\n").size();
    std::ostringstream out;
    {
        TimeOrderedRows::Options o;
        o.tempDirectory = m_dir;
        o.runRows = 25;
        o.fanIn = 4;
        TimeOrderedRows rows(o);
        rows.addFile(file, prefix);
        EXPECT_GT(rows.runFiles(), 70u) << "the file was cut into sorted runs on disk";
        rows.addText(makeRows(300, 3, 2000));
        rows.write(out);
        EXPECT_EQ(rows.runFiles(), 0u) << "merged runs are removed as they are consumed";
    }
    EXPECT_EQ(filesInDir(), 1u) << "only the spill file itself is left";
    expectSortedAndComplete(out.str(), 2300);
}

TEST_F(TimeOrderedRowsTest, RowsLongerThanTheReadBufferStayWhole)
{
    std::string text;
    CsvWriter w(text);
    const std::string big(700 * 1024, 'x'); // longer than one read buffer
    w.millis(3000).field(0).field("row 0 " + big + "\n\"quoted\"");
    w.endRow();
    w.millis(1000).field(1).field("row 1");
    w.endRow();
    const fs::path file = writeFile("long.csv", text);
    std::ostringstream out;
    TimeOrderedRows rows({m_dir, 1});
    rows.addFile(file, fs::file_size(file));
    rows.write(out);
    expectSortedAndComplete(out.str(), 2);
}

TEST_F(TimeOrderedRowsTest, AFailedWriteThrowsNamingTheFileAndLeavesNoTemporaryFile)
{
    const fs::path file = writeFile("spill.csv", makeRows(400, 4));
    {
        TimeOrderedRows::Options o;
        o.tempDirectory = m_dir;
        o.runRows = 50;
        o.fanIn = 2;
        TimeOrderedRows rows(o);
        rows.addFile(file, fs::file_size(file));
        std::ostringstream broken;
        broken.setstate(std::ios::badbit);
        try {
            rows.write(broken);
            FAIL() << "writing to a failed stream must throw";
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find("events.csv"), std::string::npos) << e.what();
        }
    }
    EXPECT_EQ(filesInDir(), 1u) << "every sorted run is gone, the spill file stays";
}

TEST_F(TimeOrderedRowsTest, AnUnwritableTemporaryDirectoryIsNamed)
{
    const fs::path blocker = writeFile("not-a-directory", "x");
    const fs::path file = writeFile("spill.csv", makeRows(100, 5));
    TimeOrderedRows::Options o;
    o.tempDirectory = blocker / "sub";
    o.runRows = 10;
    TimeOrderedRows rows(o);
    try {
        rows.addFile(file, fs::file_size(file));
        FAIL() << "runs cannot be written below a regular file";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("events.csv"), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace lblab
