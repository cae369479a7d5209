#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

namespace lblab {

/// Counters of a fleet, written on its thread and readable from any thread.
struct FleetCounters {
    std::atomic<std::uint64_t> sent{0};
    std::atomic<std::uint64_t> answered{0};
    std::atomic<std::uint64_t> failed{0};
    std::atomic<std::uint64_t> droppedArrivals{0};
    std::atomic<std::uint64_t> ipChanges{0};
    std::atomic<std::uint64_t> distinctBackends{0};
    std::atomic<std::uint64_t> pending{0};
    std::atomic<std::uint64_t> steps{0};
    std::atomic<double> arrivalRate{0};
};

/// What every virtual user of one fleet shares. Apart from the counters it is touched only
/// on the fleet's thread.
struct FleetShared {
    static constexpr std::size_t kMaxBackendNames = 1024; ///< bound of the distinct-backend set

    boost::asio::ip::tcp::endpoint balancer;  ///< where requests go
    std::string host;                          ///< Host header value
    std::chrono::milliseconds timeout{5000};   ///< connect + write + read of one request
    int maxQueued = 8;                         ///< arrivals waiting per user
    bool stopped = false;                      ///< set once by stop(); nothing new starts after it
    FleetCounters counters;
    std::set<std::string, std::less<>> backends; ///< distinct X-Backend values (bounded)

    /// Records one X-Backend value.
    void noteBackend(std::string_view name)
    {
        if (name.empty() || backends.size() >= kMaxBackendNames || backends.contains(name))
            return;
        backends.emplace(name);
        counters.distinctBackends.store(backends.size(), std::memory_order_relaxed);
    }
};

} // namespace lblab
