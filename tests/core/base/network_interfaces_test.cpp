#include "core/base/network_interfaces.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace lblab {
namespace {

InterfaceAddress iface(std::string name, const char* address, bool loopback = false, bool running = true)
{
    return {std::move(name), *parseIpv4(address), loopback, running};
}

TEST(NetworkInterfacesTest, ThisMachineListsItsLoopbackAddress)
{
    const auto all = NetworkInterfaces::ipv4();
    const auto lo = std::find_if(all.begin(), all.end(), [](const InterfaceAddress& a) { return a.address == 0x7F000001u; });
    ASSERT_NE(lo, all.end()) << "getifaddrs lists 127.0.0.1";
    EXPECT_TRUE(lo->loopback);
    for (const InterfaceAddress& a : NetworkInterfaces::reachableFromOthers())
        EXPECT_FALSE(a.loopback) << a.interfaceName << " " << formatIpv4(a.address);
}

TEST(NetworkInterfacesTest, OthersReachRunningNonLoopbackAddressesRealNetworksFirst)
{
    const std::vector<InterfaceAddress> all{
        iface("lo", "127.0.0.1", true),         iface("docker0", "172.17.0.1"),
        iface("eth1", "10.0.0.9", false, false), // no carrier
        iface("wlp2s0", "192.168.1.23"),        iface("virbr0", "192.168.122.1"),
        iface("enp3s0", "10.1.2.3"),
    };
    const auto reachable = NetworkInterfaces::reachableFromOthers(all);
    ASSERT_EQ(reachable.size(), 4u);
    EXPECT_EQ(reachable[0].interfaceName, "wlp2s0");
    EXPECT_EQ(reachable[1].interfaceName, "enp3s0");
    EXPECT_EQ(reachable[2].interfaceName, "docker0");
    EXPECT_EQ(reachable[3].interfaceName, "virbr0");
    EXPECT_TRUE(NetworkInterfaces::reachableFromOthers({iface("lo", "127.0.0.1", true)}).empty());
}

TEST(NetworkInterfacesTest, AllInterfacesAreDialledOnLoopback)
{
    EXPECT_EQ(NetworkInterfaces::localDialAddress("0.0.0.0"), "127.0.0.1");
    EXPECT_EQ(NetworkInterfaces::localDialAddress("127.0.0.1"), "127.0.0.1");
    EXPECT_EQ(NetworkInterfaces::localDialAddress("192.168.1.23"), "192.168.1.23");
    EXPECT_TRUE(NetworkInterfaces::isLoopback("127.0.0.1"));
    EXPECT_TRUE(NetworkInterfaces::isLoopback("127.9.9.9"));
    EXPECT_FALSE(NetworkInterfaces::isLoopback("0.0.0.0"));
    EXPECT_FALSE(NetworkInterfaces::isLoopback("192.168.1.23"));
}

} // namespace
} // namespace lblab
