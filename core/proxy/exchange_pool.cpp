#include "core/proxy/exchange_pool.h"

#include "core/base/free_memory.h"

#include <algorithm>

namespace lblab {

namespace {

/// Freeing this many states at once hands their pages back to the system (glibc keeps freed
/// blocks in the middle of its heap resident until malloc_trim).
constexpr std::size_t kStatesWorthTrimming = 64;

} // namespace

ExchangePool::ExchangePool(boost::asio::io_context& io, UpstreamPool& pool, const BalancerOptions& options)
    : m_io(io), m_upstream(pool), m_options(options)
{
}

std::unique_ptr<ExchangeState> ExchangePool::take()
{
    std::unique_ptr<ExchangeState> state;
    if (m_kept.empty()) {
        state = std::make_unique<ExchangeState>(m_io, m_upstream, m_options);
    } else {
        state = std::move(m_kept.back());
        m_kept.pop_back();
    }
    const std::size_t inUse = m_inUse.load(std::memory_order_relaxed) + 1;
    m_inUse.store(inUse, std::memory_order_relaxed);
    m_keptCount.store(m_kept.size(), std::memory_order_relaxed);
    m_peak = std::max(m_peak, inUse);
    return state;
}

void ExchangePool::give(std::unique_ptr<ExchangeState> state)
{
    if (!state)
        return;
    m_inUse.store(m_inUse.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
    if (m_closed)
        return; // the worker is going: the state goes too
    state->recycle();
    m_kept.push_back(std::move(state));
    m_keptCount.store(m_kept.size(), std::memory_order_relaxed);
}

void ExchangePool::close()
{
    m_closed = true;
    m_kept.clear();
    m_keptCount.store(0, std::memory_order_relaxed);
}

std::size_t ExchangePool::trim()
{
    const std::size_t inUse = m_inUse.load(std::memory_order_relaxed);
    const std::size_t needed = std::max({m_peak, m_previousPeak, kMinKept});
    const std::size_t keep = needed > inUse ? needed - inUse : 0;
    std::size_t freed = 0;
    if (m_kept.size() > keep) {
        freed = m_kept.size() - keep;
        m_kept.resize(keep);
        if (m_kept.capacity() > 2 * keep + kMinKept)
            m_kept.shrink_to_fit();
    }
    m_keptCount.store(m_kept.size(), std::memory_order_relaxed);
    m_previousPeak = m_peak;
    m_peak = inUse;
    if (freed >= kStatesWorthTrimming)
        returnFreeMemory();
    return freed;
}

} // namespace lblab
