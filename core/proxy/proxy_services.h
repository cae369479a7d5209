#pragma once

#include <atomic>
#include <cstddef>

namespace lblab {

struct BalancerOptions;
class BackendRegistry;
class HealthChecker;
class RequestRecorder;

/// What every client connection of one balancer shares; all of it is owned by the balancer and
/// outlives its connections.
struct ProxyServices {
    const BalancerOptions& options;
    BackendRegistry& registry;          ///< the backends and the policy: picks, releases
    HealthChecker& health;              ///< told when a backend cannot be reached
    const RequestRecorder& recorder;    ///< every answered or refused request becomes an event
    const std::atomic<bool>& stopping;  ///< set when the balancer stops: connections finish and close
    std::atomic<std::size_t>& connections; ///< client connections open now
};

} // namespace lblab
