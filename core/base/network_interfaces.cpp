#include "core/base/network_interfaces.h"

#include <algorithm>
#include <array>
#include <string_view>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

namespace lblab {

namespace {

constexpr Ipv4 kLoopbackNet = 0x7F000000u;   // 127.0.0.0/8
constexpr Ipv4 kLoopbackMask = 0xFF000000u;

/// Interfaces a container runtime, a hypervisor or a VPN makes: other devices in the room are not on them.
bool looksVirtual(std::string_view name)
{
    constexpr std::array<std::string_view, 8> prefixes{"docker", "br-", "veth", "virbr", "vmnet", "lxc", "tun", "tap"};
    return std::any_of(prefixes.begin(), prefixes.end(), [&](std::string_view p) { return name.starts_with(p); });
}

} // namespace

std::vector<InterfaceAddress> NetworkInterfaces::ipv4()
{
    std::vector<InterfaceAddress> out;
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0)
        return out;
    for (const ifaddrs* i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
            continue;
        const auto* in = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
        InterfaceAddress a;
        a.interfaceName = i->ifa_name ? i->ifa_name : "";
        a.address = ntohl(in->sin_addr.s_addr);
        a.loopback = (i->ifa_flags & IFF_LOOPBACK) != 0 || (a.address & kLoopbackMask) == kLoopbackNet;
        a.running = (i->ifa_flags & IFF_UP) != 0 && (i->ifa_flags & IFF_RUNNING) != 0;
        out.push_back(std::move(a));
    }
    freeifaddrs(list);
    return out;
}

std::vector<InterfaceAddress> NetworkInterfaces::reachableFromOthers(const std::vector<InterfaceAddress>& all)
{
    std::vector<InterfaceAddress> out;
    for (const InterfaceAddress& a : all)
        if (a.running && !a.loopback && a.address != 0)
            out.push_back(a);
    std::stable_partition(out.begin(), out.end(),
                          [](const InterfaceAddress& a) { return !looksVirtual(a.interfaceName); });
    return out;
}

std::string NetworkInterfaces::localDialAddress(const std::string& listenAddress)
{
    return parseIpv4(listenAddress) == Ipv4{0} ? std::string("127.0.0.1") : listenAddress;
}

bool NetworkInterfaces::isLoopback(const std::string& address)
{
    const auto parsed = parseIpv4(address);
    return !parsed || (*parsed & kLoopbackMask) == kLoopbackNet;
}

} // namespace lblab
