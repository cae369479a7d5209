#include "core/lab/join_notice.h"

#include <gtest/gtest.h>

namespace lblab {
namespace {

const std::vector<InterfaceAddress> kClassroom{
    {"lo", 0x7F000001u, true, true},
    {"docker0", *parseIpv4("172.17.0.1"), false, true},
    {"wlp2s0", *parseIpv4("192.168.1.23"), false, true},
};

TEST(JoinNoticeTest, LoopbackIsNotOpenAndSaysNothing)
{
    const JoinNotice n = JoinNotice::make("127.0.0.1", 8080, kClassroom);
    EXPECT_FALSE(n.open);
    EXPECT_TRUE(n.urls.empty());
    EXPECT_TRUE(n.warning.empty());
    EXPECT_EQ(n.localUrl, "http://127.0.0.1:8080/");
    EXPECT_EQ(n.joinUrl(), "http://127.0.0.1:8080/");
}

TEST(JoinNoticeTest, AllInterfacesNamesTheAddressOthersUse)
{
    const JoinNotice n = JoinNotice::make("0.0.0.0", 8080, kClassroom);
    EXPECT_TRUE(n.open);
    ASSERT_EQ(n.urls.size(), 2u);
    EXPECT_EQ(n.joinUrl(), "http://192.168.1.23:8080/") << "the real network before the container bridge";
    EXPECT_EQ(n.urls[1], "http://172.17.0.1:8080/");
    EXPECT_EQ(n.localUrl, "http://127.0.0.1:8080/");
    EXPECT_EQ(n.warning,
              "Warning: the balancer listens on 0.0.0.0:8080, so any device on this machine's network can reach the "
              "lab and its servers. Other devices open http://192.168.1.23:8080/ (or http://172.17.0.1:8080/). "
              "Turn it off when the lesson ends.");
}

TEST(JoinNoticeTest, NoNetworkSaysSoAndGivesTheLoopbackUrl)
{
    const JoinNotice n = JoinNotice::make("0.0.0.0", 8080, {{"lo", 0x7F000001u, true, true}});
    EXPECT_TRUE(n.open);
    EXPECT_TRUE(n.urls.empty());
    EXPECT_EQ(n.joinUrl(), "http://127.0.0.1:8080/");
    EXPECT_NE(n.warning.find("no network address other than loopback"), std::string::npos) << n.warning;
    EXPECT_NE(n.warning.find("http://127.0.0.1:8080/"), std::string::npos) << n.warning;
    EXPECT_NE(n.warning.find("0.0.0.0:8080"), std::string::npos) << n.warning;
}

TEST(JoinNoticeTest, OneNamedAddressIsTheJoinUrl)
{
    const JoinNotice n = JoinNotice::make("192.168.1.23", 9000, kClassroom);
    EXPECT_TRUE(n.open);
    ASSERT_EQ(n.urls.size(), 1u);
    EXPECT_EQ(n.joinUrl(), "http://192.168.1.23:9000/");
    EXPECT_EQ(n.localUrl, "http://192.168.1.23:9000/");
    EXPECT_NE(n.warning.find("Other devices open http://192.168.1.23:9000/."), std::string::npos) << n.warning;
}

TEST(JoinNoticeTest, ThisMachineAlwaysHasAJoinUrl)
{
    const JoinNotice n = JoinNotice::forThisMachine("0.0.0.0", 8080);
    EXPECT_TRUE(n.open);
    EXPECT_EQ(n.joinUrl().rfind("http://", 0), 0u);
    EXPECT_NE(n.joinUrl().find(":8080/"), std::string::npos);
    EXPECT_FALSE(n.warning.empty());
}

} // namespace
} // namespace lblab
