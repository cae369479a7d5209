#include "core/record/recent_requests.h"

#include <algorithm>

namespace lblab {

RecentRequests::RecentRequests(std::size_t capacity) : m_slots(std::max<std::size_t>(capacity, 1)) {}

void RecentRequests::push(const RequestEvent& event, std::int64_t recordedUs)
{
    Slot& slot = m_slots[m_next];
    slot.event = event; // copy-assignment: each string keeps its slot's capacity
    slot.recordedUs = recordedUs;
    m_next = (m_next + 1) % m_slots.size();
    m_size = std::min(m_size + 1, m_slots.size());
    ++m_total;
}

void RecentRequests::copyTo(std::vector<RequestEvent>& out, std::int64_t sinceUs, std::size_t limit) const
{
    // Newest backwards to the first one too old or past the limit, then copied oldest first.
    const std::size_t n = m_slots.size();
    std::size_t count = 0;
    while (count < std::min(m_size, limit) && m_slots[(m_next + n - 1 - count) % n].recordedUs >= sinceUs)
        ++count;
    out.reserve(out.size() + count);
    for (std::size_t i = count; i > 0; --i)
        out.push_back(m_slots[(m_next + n - i) % n].event);
}

} // namespace lblab
