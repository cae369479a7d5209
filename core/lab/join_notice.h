#pragma once

#include "core/base/network_interfaces.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lblab {

/// What the lab tells its user when the balancer listens where other devices can reach it (e.g.
/// --listen 0.0.0.0:8080): the address they use (the join URL), and a warning that says so.
struct JoinNotice {
    bool open = false;             ///< the balancer listens on an address other devices can reach
    std::vector<std::string> urls; ///< "http://ADDR:PORT/" other devices use, best first (empty: none found)
    std::string localUrl;          ///< the URL on this machine, e.g. "http://127.0.0.1:8080/"
    std::string warning;           ///< one paragraph naming the address; "" when not open

    /// The join URL to show (and to put in a QR code): the first of urls, else localUrl.
    const std::string& joinUrl() const { return urls.empty() ? localUrl : urls.front(); }

    /// The notice for a balancer listening on `listenAddress`:`port`, on a machine with `interfaces`.
    static JoinNotice make(const std::string& listenAddress, std::uint16_t port,
                           const std::vector<InterfaceAddress>& interfaces);
    /// The same with this machine's interfaces (NetworkInterfaces::ipv4()).
    static JoinNotice forThisMachine(const std::string& listenAddress, std::uint16_t port);
};

} // namespace lblab
