#pragma once

#include <chrono>
#include <cstdint>

namespace lblab {

/// The one clock of the lab: monotonic, shared by every thread.
using Clock = std::chrono::steady_clock;
/// A moment on the lab clock.
using TimePoint = Clock::time_point;

/// Microseconds from `start` to `t` (negative if `t` is earlier).
inline std::int64_t microsSince(TimePoint start, TimePoint t)
{
    return std::chrono::duration_cast<std::chrono::microseconds>(t - start).count();
}

} // namespace lblab
