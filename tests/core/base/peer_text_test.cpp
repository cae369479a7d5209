#include "core/policies/hashing.h"
#include "core/base/peer_text.h"

#include <gtest/gtest.h>

#include <set>

using namespace lblab;

TEST(PeerText, MatchesFormatIpv4)
{
    for (Ipv4 a : {0x7F000001u, 0x7F000311u, 0xFFFFFFFFu, 0u, 0x0A0B0C0Du, 0x7F640A09u})
        EXPECT_EQ(PeerText(a).view(), formatIpv4(a));
    EXPECT_EQ(PeerText(0x7F000311u).view(), "127.0.3.17");
}

TEST(Hashing, NeighbouringKeysLandFarApart)
{
    // The low bits of consecutive addresses must differ: hash mod N takes them.
    std::set<std::uint64_t> lowBits;
    for (std::uint64_t a = 0x7F000101; a < 0x7F000101 + 64; ++a)
        lowBits.insert(mixHash(a) % 64);
    EXPECT_GT(lowBits.size(), 30u);
    EXPECT_NE(hashText("/item/1"), hashText("/item/2"));
    EXPECT_EQ(hashText("abc"), hashText(std::string("abc")));
}
