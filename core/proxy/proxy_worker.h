#pragma once

#include "core/proxy/upstream_pool.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <thread>

namespace lblab {

/// One thread of the balancer: its io_context, which serves the client connections accepted for
/// it, and its pool of idle upstream connections.
struct ProxyWorker {
    /// A worker whose pool is bounded by `options`; `idleTotal` counts idle connections of all workers.
    ProxyWorker(const BalancerOptions& options, std::atomic<std::size_t>& idleTotal) : pool(options, idleTotal) {}

    boost::asio::io_context io{1}; // declared first: destroyed last
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
    UpstreamPool pool; ///< only touched on this thread
    std::thread thread;
};

} // namespace lblab
