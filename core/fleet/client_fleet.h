#pragma once

#include "core/base/ipv4.h"
#include "core/config/lab_config.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lblab {

/// A virtual user as the fleet made it.
struct ClientIdentity {
    std::string id;     ///< "c0", "c1", ...
    std::string group;  ///< its group's name
    Ipv4 ip = 0;        ///< its first source address
};

/// One address change of a user.
struct IpChange {
    std::string clientId;
    Ipv4 from = 0;
    Ipv4 to = 0;
};

/// Counters of the fleet; safe to read from any thread.
struct FleetStats {
    std::uint64_t sent = 0;           ///< requests written
    std::uint64_t answered = 0;       ///< responses read (any status)
    std::uint64_t failed = 0;         ///< connect/read/write errors and timeouts
    std::uint64_t droppedArrivals = 0;///< arrivals skipped because the user's queue was full
    std::uint64_t ipChanges = 0;
    std::uint64_t distinctBackends = 0; ///< distinct X-Backend values seen
    std::uint64_t pending = 0;        ///< requests queued or in flight right now (a gauge)
    std::uint64_t steps = 0;          ///< requests released one at a time in step mode
    double arrivalRate = 0;           ///< arrivals per second now: the rate times the speed (0 while held)
};

/// N virtual users on loopback, each with its own source address (bound before connect),
/// keep-alive connection, cookie jar, region and behaviour. Open-loop Poisson arrivals at a total
/// rate, reproducible from the seed. Runs on the io_context it is given; public calls are thread-safe.
class ClientFleet {
public:
    /// What the fleet needs.
    struct Options {
        boost::asio::ip::tcp::endpoint balancer;  ///< where to send requests
        std::vector<ClientGroupSpec> groups;
        std::vector<std::string> regions;         ///< regions of the servers (for "mixed" groups)
        double requestRate = 200;                 ///< total requests per second
        std::uint64_t seed = 1;
        double requestTimeoutSeconds = 5;         ///< connect + write + read of one request
        int maxQueuedPerUser = 8;                 ///< arrivals waiting per user; more are dropped (counted)
        std::function<void(const IpChange&)> onIpChange; ///< called on the fleet's thread
        /// A step released this user's request; called on the fleet's thread.
        std::function<void(const std::string& clientId)> onStep;
    };

    /// Makes the users (deterministically from the seed); nothing is sent until start().
    ClientFleet(boost::asio::io_context& io, Options options);
    /// Stops it.
    ~ClientFleet();
    ClientFleet(const ClientFleet&) = delete;
    ClientFleet& operator=(const ClientFleet&) = delete;

    /// Every user, in id order (available right after construction).
    const std::vector<ClientIdentity>& roster() const;
    /// Starts the arrivals.
    void start();
    /// Pauses or resumes arrivals (in-flight requests finish).
    void setPaused(bool paused);
    /// Stops everything and closes every socket.
    void stop();
    /// Changes the total request rate.
    void setRequestRate(double perSecond);
    /// Slow motion: arrivals (and address changes) come at `factor` (0.01..1) of their pace.
    void setSpeed(double factor);
    /// Step mode: no arrivals come on their own (requests already queued finish); each step() sends
    /// exactly one request, from a user drawn as an arrival would be. Off: arrivals resume.
    void setStepping(bool on);
    /// In step mode, releases one request now (ignored otherwise).
    void step();
    /// Moves a random `fraction` (0..1] of users to new source addresses now (NAT groups move together).
    void changeIps(double fraction);
    /// A copy of the counters.
    FleetStats stats() const;

private:
    class Impl;
    std::shared_ptr<Impl> m_impl;
};

} // namespace lblab
