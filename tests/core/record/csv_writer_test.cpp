#include "core/record/csv_writer.h"

#include <gtest/gtest.h>

#include <clocale>
#include <sstream>
#include <stdexcept>

using lblab::CsvWriter;

TEST(CsvWriterTest, PlainFieldsAreNotQuoted)
{
    std::string out;
    CsvWriter w(out);
    w.field("a").field("b c").field(std::string_view()).field(42).field(-7).field(18446744073709551615ull);
    w.endRow();
    EXPECT_EQ(out, "a,b c,,42,-7,18446744073709551615\r\n");
}

TEST(CsvWriterTest, SpecialFieldsAreQuotedAndQuotesDoubled)
{
    EXPECT_EQ(CsvWriter::quote("a,b"), "\"a,b\"");
    EXPECT_EQ(CsvWriter::quote("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(CsvWriter::quote("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(CsvWriter::quote("cr\r"), "\"cr\r\"");
    EXPECT_EQ(CsvWriter::quote("plain"), "plain");
    EXPECT_EQ(CsvWriter::quote("caf\xC3\xA9"), "caf\xC3\xA9"); // UTF-8 passes through
}

TEST(CsvWriterTest, RowWritesAllFields)
{
    std::string out;
    CsvWriter w(out);
    w.row({"x", "y,z", ""});
    w.row({"1"});
    EXPECT_EQ(out, "x,\"y,z\",\r\n1\r\n");
}

TEST(CsvWriterTest, MillisAreExactWithThreeDecimals)
{
    std::string out;
    CsvWriter w(out);
    w.millis(0).millis(1).millis(999).millis(1000).millis(1234567).millis(-1500);
    w.endRow();
    EXPECT_EQ(out, "0.000,0.001,0.999,1.000,1234.567,-1.500\r\n");
}

TEST(CsvWriterTest, DecimalsIgnoreTheLocale)
{
    // A desktop in German sets a decimal comma; the CSV must still use '.'.
    const char* old = std::setlocale(LC_NUMERIC, nullptr);
    const std::string saved = old ? old : "C";
    // Where no German locale is installed this still checks the C locale.
    std::setlocale(LC_NUMERIC, "de_DE.UTF-8");
    std::string out;
    CsvWriter w(out);
    w.decimal(3.14159, 2).decimal(2.5, 0).decimal(1.0 / 0.0, 2);
    w.endRow();
    std::setlocale(LC_NUMERIC, saved.c_str());
    EXPECT_EQ(out, "3.14,2,0.00\r\n");
    EXPECT_EQ(lblab::formatDecimal(0.125, 3), "0.125");
}

TEST(CsvWriterTest, WriteOrThrowReportsAFailedStream)
{
    std::ostringstream good;
    lblab::writeOrThrow(good, "abc", "x.csv");
    EXPECT_EQ(good.str(), "abc");
    std::ostringstream bad;
    bad.setstate(std::ios::badbit);
    EXPECT_THROW(lblab::writeOrThrow(bad, "abc", "x.csv"), std::runtime_error);
}
