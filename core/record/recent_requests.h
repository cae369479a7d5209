#pragma once

#include "core/request_event.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lblab {

/// The last few requests, as copies, for the window's flow view: a ring of fixed size whose slots
/// are reused, so that once their strings have grown to the requests' sizes, keeping one more request
/// copies into a slot and allocates nothing. Not thread-safe: the capture keeps it under its lock.
class RecentRequests {
public:
    /// Keeps at most `capacity` requests (at least 1).
    explicit RecentRequests(std::size_t capacity);

    /// Keeps a copy of `event`, recorded at `recordedUs` (since run start); the oldest goes.
    void push(const RequestEvent& event, std::int64_t recordedUs);
    /// Appends to `out`, oldest first, the newest requests recorded at or after `sinceUs`, at most `limit`.
    void copyTo(std::vector<RequestEvent>& out, std::int64_t sinceUs, std::size_t limit) const;
    /// Requests pushed since the start (the newest is request number total()).
    std::uint64_t total() const { return m_total; }
    /// Requests held now.
    std::size_t size() const { return m_size; }
    /// The ring's size.
    std::size_t capacity() const { return m_slots.size(); }

private:
    struct Slot {
        RequestEvent event;
        std::int64_t recordedUs = 0;
    };

    std::vector<Slot> m_slots;
    std::size_t m_next = 0;   ///< the slot the next request goes to
    std::size_t m_size = 0;
    std::uint64_t m_total = 0;
};

} // namespace lblab
