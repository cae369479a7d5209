#pragma once

#include "core/proxy/exchange_pool.h"
#include "core/proxy/upstream_pool.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <thread>

namespace lblab {

/// One thread of the balancer: its io_context, which serves the client connections accepted for
/// it, the buffers those connections borrow while they serve a request, and its pool of idle
/// upstream connections.
struct ProxyWorker {
    /// A worker whose pools are bounded by `options`; `idleTotal` counts idle connections of all workers.
    ProxyWorker(const BalancerOptions& options, std::atomic<std::size_t>& idleTotal)
        : exchanges(io, pool, options), pool(options, idleTotal)
    {
    }

    /// Once a second until `stopping`: sweeps the upstream pool and trims the exchange pool to
    /// what recent concurrency needed. Runs on this worker's thread.
    boost::asio::awaitable<void> maintainLoop(const std::atomic<bool>& stopping);

    /// Declared first, destroyed last: destroying the io_context destroys the suspended
    /// connections, which give their borrowed state back here. Only touched on this thread.
    ExchangePool exchanges;
    boost::asio::io_context io{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
    UpstreamPool pool; ///< only touched on this thread
    std::thread thread;
};

} // namespace lblab
