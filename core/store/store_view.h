#pragma once

#include "core/store/session_store_kind.h"
#include "core/store/store_meter.h"

#include <cstdint>
#include <vector>

namespace lblab {

/// The session store in one capture interval (the latency chart's points).
struct StoreInterval {
    std::int64_t endUs = 0;  ///< interval end, since run start
    std::uint64_t ops = 0;   ///< store operations in the interval
    std::uint64_t errors = 0;
    std::uint32_t p50Us = 0; ///< added latency per operation
    std::uint32_t p99Us = 0;
};

/// The session store, now: what the store card and the latency chart draw.
struct StoreView {
    SessionStoreKind kind = SessionStoreKind::Local;
    bool up = false;          ///< shared: Redis runs and answered its last check; client: always (nothing to run)
    bool killed = false;      ///< shared: the user or the timeline killed it (until restored)
    std::int64_t keys = -1;   ///< shared: keys in Redis (DBSIZE, checked twice a second); -1 unknown
    double opsPerSecond = 0;  ///< store operations per second in the last interval
    StoreFigures run;         ///< the whole run
    std::vector<StoreInterval> history; ///< recent intervals, oldest first (bounded)
};

} // namespace lblab
