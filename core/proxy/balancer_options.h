#pragma once

#include "core/config/lab_config.h"
#include "core/policies/policy_catalog.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace lblab {

/// The builtin balancer's limits, timeouts and first policy.
struct BalancerOptions {
    std::string listenAddress = "127.0.0.1";
    std::uint16_t listenPort = 0;           ///< 0 = a free port
    int ioThreads = 1;                      ///< one io_context per thread
    std::string policy = "round-robin";
    PolicyOptions policyOptions;
    HealthCheckSpec healthCheck;
    double headerTimeoutSeconds = 5;        ///< a request's headers must arrive within this
    double idleTimeoutSeconds = 30;         ///< keep-alive idle limit on the client side
    double busyGapSeconds = 0.05;           ///< a client's requests this close together make its connection busy
    double hotGraceSeconds = 0.1;           ///< a busy connection keeps its buffers this long for its next request
    double connectTimeoutSeconds = 1;       ///< upstream connect
    double upstreamTimeoutSeconds = 10;     ///< upstream write + response
    std::size_t maxConnections = 20000;     ///< client connections; more get 503 and close
    std::size_t idlePoolPerBackend = 256;   ///< idle upstream connections kept per backend and thread
    std::size_t idlePoolTotal = 1024;       ///< idle upstream connections kept in all (descriptors are finite)
    double upstreamIdleSeconds = 15;        ///< an idle upstream connection older than this is closed
    std::size_t requestBodyLimit = 1 << 20; ///< bytes
    std::size_t responseBodyLimit = 8 << 20;///< bytes
};

} // namespace lblab
