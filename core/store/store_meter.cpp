#include "core/store/store_meter.h"

namespace lblab {

void StoreMeter::record(std::uint32_t us, bool ok)
{
    std::lock_guard lock(m_mutex);
    for (Part* part : {&m_run, &m_interval}) {
        part->latency.record(us);
        ++part->counts.ops;
        part->counts.errors += ok ? 0 : 1;
    }
}

void StoreMeter::recordToken(std::size_t bytes)
{
    std::lock_guard lock(m_mutex);
    for (Part* part : {&m_run, &m_interval}) {
        ++part->counts.tokens;
        part->counts.tokenBytes += bytes;
    }
}

void StoreMeter::recordInvalid()
{
    std::lock_guard lock(m_mutex);
    ++m_run.counts.invalidTokens;
    ++m_interval.counts.invalidTokens;
}

StoreFigures StoreMeter::finished(const Part& part)
{
    StoreFigures f = part.counts;
    f.p50Us = part.latency.percentile(0.5);
    f.p99Us = part.latency.percentile(0.99);
    return f;
}

StoreFigures StoreMeter::figures() const
{
    std::lock_guard lock(m_mutex);
    return finished(m_run);
}

StoreFigures StoreMeter::takeInterval()
{
    std::lock_guard lock(m_mutex);
    const StoreFigures f = finished(m_interval);
    m_interval = Part{};
    return f;
}

} // namespace lblab
