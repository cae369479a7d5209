#pragma once

#include "core/proxy/block_cache.h"
#include "core/proxy/exchange_pool.h"
#include "core/proxy/idle_connections.h"
#include "core/proxy/upstream_pool.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <thread>

namespace lblab {

struct ProxyServices;

/// One thread of the balancer: its io_context, which serves the client connections accepted for
/// it, what those connections borrow while they serve a request, the deadlines of those waiting
/// for one, and its pool of idle upstream connections. Everything but `connections` is only
/// touched on its thread.
struct ProxyWorker {
    /// A worker serving with `services` (which outlive it), its pools bounded by their options;
    /// `idleTotal` counts idle upstream connections of all workers.
    ProxyWorker(ProxyServices& services, std::atomic<std::size_t>& idleTotal);
    /// Frees what holds timers first, then the io_context and with it the connections.
    ~ProxyWorker();
    ProxyWorker(const ProxyWorker&) = delete;
    ProxyWorker& operator=(const ProxyWorker&) = delete;

    /// Once a second until `stopping`: sweeps the upstream pool and trims the exchange pool to
    /// what recent concurrency needed.
    boost::asio::awaitable<void> maintainLoop(const std::atomic<bool>& stopping);

    ProxyServices& services; ///< what its connections share with the balancer (kept here, not in each)

    // Declared before the io_context, destroyed after it: destroying the io_context destroys the
    // suspended and waiting connections, which give their state back, unlink their deadline, free
    // their pending wait and count their upstream request done here. (What holds sockets or timers
    // is freed first, by the destructor, while the io_context is still there.)
    ExchangePool exchanges;
    IdleConnections waiting; ///< the deadlines of connections waiting for a request
    BlockCache waitBlocks;   ///< the memory of those connections' pending waits
    UpstreamPool pool;
    boost::asio::io_context io{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
    std::thread thread;
};

} // namespace lblab
