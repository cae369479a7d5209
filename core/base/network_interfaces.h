#pragma once

#include "core/base/ipv4.h"

#include <string>
#include <vector>

namespace lblab {

/// One IPv4 address of one of this machine's network interfaces.
struct InterfaceAddress {
    std::string interfaceName; ///< "wlp2s0", "eth0", "lo"
    Ipv4 address = 0;
    bool loopback = false;     ///< 127.0.0.0/8, or a loopback interface
    bool running = true;       ///< up with a carrier (an unplugged cable or a bridge with no member is not)
};

/// This machine's IPv4 interface addresses (getifaddrs), and which of them other devices can use to
/// reach a server listening on all interfaces.
class NetworkInterfaces {
public:
    /// Every IPv4 address of every interface, in the order the system lists them.
    static std::vector<InterfaceAddress> ipv4();
    /// The addresses of `all` another device on a network of this machine can reach it at: running,
    /// not loopback; virtual bridges and tunnels (docker0, virbr0, veth..., tun0) after the others.
    static std::vector<InterfaceAddress> reachableFromOthers(const std::vector<InterfaceAddress>& all);
    /// The same for this machine's interfaces.
    static std::vector<InterfaceAddress> reachableFromOthers() { return reachableFromOthers(ipv4()); }
    /// The address this machine dials to reach a server listening on `listenAddress`: 127.0.0.1 for
    /// the unspecified 0.0.0.0 (all interfaces), else the address itself.
    static std::string localDialAddress(const std::string& listenAddress);
    /// True for an address only this machine can use: 127.0.0.0/8 (and text that is not an address).
    static bool isLoopback(const std::string& address);
};

} // namespace lblab
