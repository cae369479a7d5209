#pragma once

#include "core/config/lab_config.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

namespace lblab {

class BackendRegistry;

/// Decides when a backend is up: actively, by probing GET /health on each backend every interval
/// (`rise` passes in a row mark it up, `fall` failures down), and passively, by marking a backend
/// down at once when a request cannot connect to it. Marks go through the registry, which logs them.
class HealthChecker {
public:
    /// Checks the backends of `registry` as `spec` says; stops probing once `stopping` is set.
    HealthChecker(BackendRegistry& registry, const HealthCheckSpec& spec, const std::atomic<bool>& stopping);

    /// Starts probing every backend not removed, on `io` (which runs until the balancer stops).
    void start(boost::asio::io_context& io);
    /// Stops starting probes (the loops end with their io_context).
    void stop();
    /// Starts probing a backend added after start() (before it, start() will). Once per backend.
    void watch(int index);
    /// Passive check: a request could not connect to the backend, so it is down now.
    void connectFailed(int index, const std::string& reason);

private:
    void spawn(int index); // under m_mutex
    boost::asio::awaitable<void> probeLoop(int index);
    boost::asio::awaitable<bool> probe(boost::asio::ip::tcp::endpoint ep);

    BackendRegistry& m_registry;
    const HealthCheckSpec m_spec;
    const std::atomic<bool>& m_stopping;
    std::mutex m_mutex; // guards m_io and m_probed (start and watch run on different threads)
    boost::asio::io_context* m_io = nullptr;
    std::vector<bool> m_probed; ///< by backend index: its probe loop was started
};

} // namespace lblab
