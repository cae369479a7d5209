#include "core/lab/join_notice.h"

namespace lblab {

namespace {

std::string urlOf(const std::string& address, std::uint16_t port)
{
    return "http://" + address + ':' + std::to_string(port) + '/';
}

} // namespace

JoinNotice JoinNotice::make(const std::string& listenAddress, std::uint16_t port,
                            const std::vector<InterfaceAddress>& interfaces)
{
    JoinNotice n;
    n.localUrl = urlOf(NetworkInterfaces::localDialAddress(listenAddress), port);
    n.open = !NetworkInterfaces::isLoopback(listenAddress);
    if (!n.open)
        return n;
    const std::string where = listenAddress + ':' + std::to_string(port);
    if (NetworkInterfaces::localDialAddress(listenAddress) == listenAddress) {
        n.urls.push_back(urlOf(listenAddress, port)); // one address, named on the command line
    } else {
        for (const InterfaceAddress& a : NetworkInterfaces::reachableFromOthers(interfaces))
            n.urls.push_back(urlOf(formatIpv4(a.address), port));
    }
    if (n.urls.empty()) {
        n.warning = "Warning: the balancer listens on " + where +
                    " (all interfaces), but this machine has no network address other than loopback, so no "
                    "other device can join yet. Connect to a network and restart the lab. On this machine: " +
                    n.localUrl;
        return n;
    }
    n.warning = "Warning: the balancer listens on " + where + ", so any device on this machine's network can " +
                "reach the lab and its servers. Other devices open " + n.urls.front();
    for (std::size_t i = 1; i < n.urls.size(); ++i)
        n.warning += (i == 1 ? " (or " : ", ") + n.urls[i] + (i + 1 == n.urls.size() ? ")" : "");
    n.warning += ". Turn it off when the lesson ends.";
    return n;
}

JoinNotice JoinNotice::forThisMachine(const std::string& listenAddress, std::uint16_t port)
{
    return make(listenAddress, port, NetworkInterfaces::ipv4());
}

} // namespace lblab
