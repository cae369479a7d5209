#include "core/fleet/cookie_jar.h"

#include <gtest/gtest.h>

using lblab::CookieJar;

TEST(CookieJar, StoresAndSendsBackPairs)
{
    CookieJar jar;
    EXPECT_EQ(jar.header(), "");
    jar.store("SESSIONID=abc; Path=/; HttpOnly");
    jar.store("LBLAB=s2");
    EXPECT_EQ(jar.header(), "SESSIONID=abc; LBLAB=s2");
    EXPECT_EQ(jar.get("SESSIONID"), "abc");
    EXPECT_FALSE(jar.get("other").has_value());
}

TEST(CookieJar, ReplacesSameNameAndDeletesOnMaxAgeZero)
{
    CookieJar jar;
    jar.store("SESSIONID=one");
    jar.store("SESSIONID=two; Path=/");
    EXPECT_EQ(jar.header(), "SESSIONID=two");
    jar.store("SESSIONID=; Max-Age=0");
    EXPECT_EQ(jar.size(), 0u);
}

TEST(CookieJar, IgnoresGarbageAndStaysBounded)
{
    CookieJar jar;
    jar.store("");
    jar.store("no-equals-sign");
    jar.store("=value-without-name");
    jar.store("big=" + std::string(CookieJar::kMaxValueLength + 1, 'x'));
    EXPECT_EQ(jar.size(), 0u);
    for (int i = 0; i < 100; ++i)
        jar.store("k" + std::to_string(i) + "=v");
    EXPECT_EQ(jar.size(), CookieJar::kMaxCookies);
    jar.erase("k0");
    EXPECT_EQ(jar.size(), CookieJar::kMaxCookies - 1);
}

TEST(CookieJar, StripsQuotesAndSpaces)
{
    CookieJar jar;
    jar.store("  A = \"quoted\" ; Secure");
    EXPECT_EQ(jar.get("A"), "quoted");
}
