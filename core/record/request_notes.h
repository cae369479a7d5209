#pragma once

#include "core/lab/lab_event.h"
#include "core/record/client_tracker.h"
#include "core/request_event.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace lblab {

/// The lab log's entries for the requests that teach something, each with the reason of its
/// decision: a re-pin ("c17: s2 could not serve it: table: 127.0.3.17 pinned to s2, which cannot
/// serve it -> re-pinned to s3") and an affinity break after an address change ("c17 moved s1 -> s3
/// after its address changed: table: no entry for 127.0.9.4 (new address) -> new pin s3"). Such
/// requests are rare, so their text is built as they happen; a storm (every client of a killed
/// server re-pinning at once) is bounded to kPerSecond entries a second of run time, the rest only
/// counted in the totals. Not thread-safe: the capture calls it under its lock.
class RequestNotes {
public:
    /// Entries listed per second of run time at most.
    static constexpr int kPerSecond = 20;

    /// The log entry `event` deserves after `outcome`, if any; `backendNames` by backend index.
    std::optional<LabEvent> noteFor(const RequestEvent& event, const ClientTracker::Outcome& outcome,
                                    std::span<const std::string> backendNames);

private:
    std::int64_t m_second = -1; ///< the second of run time being counted
    int m_listed = 0;           ///< entries listed in it (one more says the rest are not)
};

} // namespace lblab
