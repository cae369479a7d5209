#include "core/record/csv_reader.h"
#include "core/record/csv_writer.h"

#include <gtest/gtest.h>

#include <sstream>

using lblab::CsvReader;
using Row = CsvReader::Row;

TEST(CsvReaderTest, SimpleCrlfAndLf)
{
    for (std::string eol : {"\r\n", "\n"}) {
        auto r = CsvReader::parse("a,b,c" + eol + "1,2,3" + eol);
        ASSERT_TRUE(r.ok()) << r.error;
        ASSERT_EQ(r.rows.size(), 2u);
        EXPECT_EQ(r.rows[0], (Row{"a", "b", "c"}));
        EXPECT_EQ(r.rows[1], (Row{"1", "2", "3"}));
    }
}

TEST(CsvReaderTest, LastLineWithoutLineEnd)
{
    auto r = CsvReader::parse("a,b\r\n1,2");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.rows.size(), 2u);
    EXPECT_EQ(r.rows[1], (Row{"1", "2"}));
}

TEST(CsvReaderTest, EmptyFieldsAndEmptyText)
{
    EXPECT_TRUE(CsvReader::parse("").rows.empty());
    auto r = CsvReader::parse(",a,\r\n,,\r\n");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.rows.size(), 2u);
    EXPECT_EQ(r.rows[0], (Row{"", "a", ""}));
    EXPECT_EQ(r.rows[1], (Row{"", "", ""}));
    auto trailing = CsvReader::parse("a,");
    ASSERT_EQ(trailing.rows.size(), 1u);
    EXPECT_EQ(trailing.rows[0], (Row{"a", ""}));
}

TEST(CsvReaderTest, QuotedFieldsWithCommasQuotesAndLineBreaks)
{
    auto r = CsvReader::parse("\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\",\"\"\r\nx,\"lf\nonly\",y,z\r\n");
    ASSERT_TRUE(r.ok()) << r.error;
    ASSERT_EQ(r.rows.size(), 2u);
    EXPECT_EQ(r.rows[0], (Row{"a,b", "say \"hi\"", "two\r\nlines", ""}));
    EXPECT_EQ(r.rows[1], (Row{"x", "lf\nonly", "y", "z"}));
}

TEST(CsvReaderTest, ByteOrderMarkIsSkipped)
{
    auto r = CsvReader::parse("\xEF\xBB\xBFt_ms,x\r\n1,2\r\n");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.rows[0][0], "t_ms");
    EXPECT_EQ(CsvReader::column(r.rows[0], "x"), 1u);
    EXPECT_FALSE(CsvReader::column(r.rows[0], "nope").has_value());
}

TEST(CsvReaderTest, UnterminatedQuoteNamesTheLineItOpenedOn)
{
    auto r = CsvReader::parse("a,b\r\n1,2\r\n3,\"never closed\r\nmore\r\n");
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.errorLine, 3u);
    EXPECT_NE(r.error.find("line 3"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("unterminated"), std::string::npos) << r.error;
}

TEST(CsvReaderTest, GarbageAfterClosingQuoteIsAnError)
{
    auto r = CsvReader::parse("a\r\n\"two\nlines\"x,b\r\n");
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.errorLine, 3u) << r.error; // the quote closed on the field's second line
}

TEST(CsvReaderTest, BareQuoteInUnquotedFieldIsAnError)
{
    auto r = CsvReader::parse("a,b\r\nab\"c,d\r\n");
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.errorLine, 2u);
}

TEST(CsvReaderTest, RoundTripsWhatTheWriterWrites)
{
    const std::vector<Row> rows{{"plain", "with,comma", "with \"quote\""},
                                {"multi\r\nline", "lf\nline", ""},
                                {"caf\xC3\xA9", "\"", ","}};
    std::string text;
    lblab::CsvWriter w(text);
    for (const Row& row : rows) {
        for (const auto& f : row)
            w.field(f);
        w.endRow();
    }
    std::istringstream in(text);
    auto r = CsvReader::read(in);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.rows, rows);
}

TEST(CsvReaderTest, MissingFileIsAnError)
{
    auto r = CsvReader::readFile("/nonexistent/lblab/nothing.csv");
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.errorLine, 0u);
}
