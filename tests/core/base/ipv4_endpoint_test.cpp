#include "core/base/ipv4.h"

#include <gtest/gtest.h>

using namespace lblab;

TEST(Ipv4Endpoint, ReadsAddressAndPort)
{
    const auto e = parseIpv4Endpoint("127.0.3.17:8081");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->address, 0x7F000311u);
    EXPECT_EQ(e->port, 8081);
    EXPECT_EQ(parseIpv4Endpoint("10.0.0.1:65535")->port, 65535);
}

TEST(Ipv4Endpoint, RefusesWhatIsNotOne)
{
    for (const char* text : {"", "127.0.0.1", "127.0.0.1:", ":8080", "localhost:8080", "127.0.0.1:0",
                             "127.0.0.1:65536", "127.0.0.1:80a", "127.0.0.1:+80", "127.0.0.1:-1", "127.0.0.1:0000080",
                             "[::1]:80", "127.0.0.1:8080 "})
        EXPECT_FALSE(parseIpv4Endpoint(text)) << text;
}
