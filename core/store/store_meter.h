#pragma once

#include "core/record/latency_histogram.h"

#include <cstddef>
#include <cstdint>
#include <mutex>

namespace lblab {

/// What the session store did: operations, failures and the time each added to its request.
struct StoreFigures {
    std::uint64_t ops = 0;           ///< store operations (a Redis call; a cookie signed or checked)
    std::uint64_t errors = 0;        ///< operations that failed (store down, timed out)
    std::uint64_t invalidTokens = 0; ///< signed cookies refused (tampered, expired, malformed): 401
    std::uint32_t p50Us = 0;         ///< added latency per operation, median
    std::uint32_t p99Us = 0;         ///< added latency per operation, 99th percentile
    std::uint64_t tokens = 0;        ///< signed cookies carried by requests
    std::uint64_t tokenBytes = 0;    ///< their bytes in all ("SESSIONID=" included)

    /// Mean bytes of the session cookie per request that carried one (0 when none did).
    double meanTokenBytes() const { return tokens ? static_cast<double>(tokenBytes) / static_cast<double>(tokens) : 0; }
};

/// Counts what every backend's session store did; thread-safe (backends record, the lab reads).
/// Keeps the whole run and the current interval; bounded (two fixed-size histograms).
class StoreMeter {
public:
    /// One operation that took `us` microseconds; `ok` false when it failed.
    void record(std::uint32_t us, bool ok);
    /// A request carried a signed session cookie of `bytes` bytes.
    void recordToken(std::size_t bytes);
    /// A signed cookie was refused (401, X-Session: invalid).
    void recordInvalid();
    /// The whole run so far.
    StoreFigures figures() const;
    /// Since the previous call (the chart's interval), then starts a new interval.
    StoreFigures takeInterval();

private:
    struct Part {
        LatencyHistogram latency;
        StoreFigures counts;
    };
    static StoreFigures finished(const Part& part);

    mutable std::mutex m_mutex;
    Part m_run;
    Part m_interval;
};

} // namespace lblab
