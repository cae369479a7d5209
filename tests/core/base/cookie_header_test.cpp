#include "core/base/cookie_header.h"

#include <gtest/gtest.h>

using namespace lblab;

TEST(CookieHeader, FindsByNameAmongOthers)
{
    EXPECT_EQ(findCookie("a=1; LBLAB_SRV=s2-9f3a; b=2", "LBLAB_SRV"), "s2-9f3a");
    EXPECT_EQ(findCookie("LBLAB_SRV=s1-00", "LBLAB_SRV"), "s1-00");
    EXPECT_EQ(findCookie("a=1;b=2", "b"), "2");
    EXPECT_FALSE(findCookie("a=1; b=2", "c"));
    EXPECT_FALSE(findCookie("", "a"));
    EXPECT_FALSE(findCookie("a=1", ""));
}

TEST(CookieHeader, ToleratesSpacesEmptyPartsAndQuotes)
{
    EXPECT_EQ(findCookie("  ;; a = 1 ;\t b=\"quoted\" ;", "b"), "quoted");
    EXPECT_EQ(findCookie("  ;; a = 1 ;", "a"), "1");
    EXPECT_EQ(findCookie("a=", "a"), "");
    EXPECT_EQ(findCookie("a=\"\"", "a"), "");
    EXPECT_EQ(findCookie("a=\"", "a"), "\"");
}

TEST(CookieHeader, MissingEqualsAndGarbageAreSkipped)
{
    EXPECT_EQ(findCookie("justtext; SESSIONID=abc", "SESSIONID"), "abc");
    EXPECT_FALSE(findCookie("SESSIONID", "SESSIONID"));
    EXPECT_FALSE(findCookie(";;;;", "x"));
    EXPECT_FALSE(findCookie("=value", "value"));
    EXPECT_EQ(findCookie("\x01\xff=; x=y=z", "x"), "y=z");
    const std::string binary("a=1\0b=2; c=3", 12);
    EXPECT_EQ(findCookie(binary, "c"), "3");
}

TEST(CookieHeader, DuplicateNamesFirstWinsAndNamesAreCaseSensitive)
{
    EXPECT_EQ(findCookie("sid=first; sid=second", "sid"), "first");
    EXPECT_FALSE(findCookie("SID=x", "sid"));
    EXPECT_FALSE(findCookie("xsid=1; sidx=2", "sid"));
}

TEST(SetCookie, ExtractsNameAndValue)
{
    auto c = parseSetCookie("SESSIONID=abc123; Path=/; HttpOnly");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->name, "SESSIONID");
    EXPECT_EQ(c->value, "abc123");
    EXPECT_FALSE(c->deletes);
    auto bare = parseSetCookie(" k = \"v\" ");
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->name, "k");
    EXPECT_EQ(bare->value, "v");
}

TEST(SetCookie, RecognisesDeletion)
{
    EXPECT_TRUE(parseSetCookie("SESSIONID=; Path=/")->deletes);
    EXPECT_TRUE(parseSetCookie("SESSIONID=abc; max-age=0")->deletes);
    EXPECT_TRUE(parseSetCookie("SESSIONID=abc; Max-Age=-1; Path=/")->deletes);
    EXPECT_FALSE(parseSetCookie("SESSIONID=abc; Max-Age=3600")->deletes);
    EXPECT_FALSE(parseSetCookie("SESSIONID=abc; Max-Age=junk")->deletes);
}

TEST(SetCookie, RejectsNameless)
{
    EXPECT_FALSE(parseSetCookie(""));
    EXPECT_FALSE(parseSetCookie("novalue; Path=/"));
    EXPECT_FALSE(parseSetCookie("=v"));
    EXPECT_FALSE(parseSetCookie(";;"));
}
