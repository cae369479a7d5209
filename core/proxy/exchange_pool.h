#pragma once

#include "core/proxy/exchange_state.h"

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

namespace lblab {

struct BalancerOptions;
class UpstreamPool;

/// One balancer thread's ExchangeStates: a client connection takes one when a request's first
/// bytes arrive and gives it back when the request is answered and nothing more is buffered, so
/// idle keep-alive connections hold no buffers (HAProxy and NGINX work the same way). Only its own
/// thread touches it. Bounded by what recent concurrency needed: trim(), once a second, frees the
/// states that neither this nor the previous second's peak used, so a burst's memory goes back.
class ExchangePool {
public:
    /// States it makes send upstream on `io` through `pool`; it only keeps the references (the
    /// worker declares the pool first, so connections destroyed with the io_context can give back).
    ExchangePool(boost::asio::io_context& io, UpstreamPool& pool, const BalancerOptions& options);

    /// A state for one request: a kept one, or a new one when every kept one is in use.
    std::unique_ptr<ExchangeState> take();
    /// Gives a state back once its request is done.
    void give(std::unique_ptr<ExchangeState> state);
    /// Frees the kept states beyond the peak use of the last two intervals (at least kMinKept);
    /// returns how many it freed. Call once per interval (a second).
    std::size_t trim();

    /// Before the io_context goes: frees the kept states (their timers), and from now on frees
    /// each state given back.
    void close();

    /// States lent out now (readable from any thread).
    std::size_t inUse() const { return m_inUse.load(std::memory_order_relaxed); }
    /// States kept for the next requests (readable from any thread).
    std::size_t kept() const { return m_keptCount.load(std::memory_order_relaxed); }

    /// States kept however idle the thread has been, so light traffic does not allocate.
    static constexpr std::size_t kMinKept = 4;

private:
    boost::asio::io_context& m_io;
    UpstreamPool& m_upstream;
    const BalancerOptions& m_options;
    std::vector<std::unique_ptr<ExchangeState>> m_kept;
    bool m_closed = false;
    // Written only by the pool's thread (a plain store, no locked instruction), read by any.
    std::atomic<std::size_t> m_inUse{0};
    std::atomic<std::size_t> m_keptCount{0};
    std::size_t m_peak = 0;         ///< most lent out at once since the last trim
    std::size_t m_previousPeak = 0; ///< the same for the interval before
};

} // namespace lblab
