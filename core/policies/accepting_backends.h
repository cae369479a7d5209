#pragma once

#include "core/policies/policy.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace lblab {

/// The indices of the backends that may take a new client, in index order, kept between decisions
/// so a policy does not scan every backend per request.
///
/// Rebuilt from Policy::backendsChanged(). list() also rebuilds when it is handed a different span
/// (another vector, or one that grew or shrank), and a policy re-checks the backend it picked with
/// stillAccepts(): a caller that changes a backend in place without notifying never gets an unusable
/// backend, only (until the next notification) a pick over the set as it was.
class AcceptingBackends {
public:
    /// Recomputes the list from `backends`.
    void rebuild(std::span<const BackendInfo> backends);
    /// The accepting indices for `backends`; rebuilt first if `backends` is not the span last seen.
    std::span<const int> list(std::span<const BackendInfo> backends)
    {
        if (!m_built || backends.data() != m_data || backends.size() != m_size)
            rebuild(backends);
        return m_indices;
    }
    /// True when `index` still takes new clients; otherwise rebuilds the list (the caller then picks again).
    bool stillAccepts(std::span<const BackendInfo> backends, int index)
    {
        if (backends[static_cast<std::size_t>(index)].acceptsNew())
            return true;
        rebuild(backends);
        return false;
    }
    /// The backend `choosePosition(list)` picks from the (non-empty) accepting list, or -1 when none
    /// accepts. If the pick no longer accepts (a change nobody announced), picks once more from a fresh list.
    template <typename ChoosePosition>
    int pick(std::span<const BackendInfo> backends, ChoosePosition choosePosition)
    {
        for (;;) { // at most twice: after a rebuild every listed backend accepts
            const auto accepting = list(backends);
            if (accepting.empty())
                return -1;
            const int index = accepting[choosePosition(accepting)];
            if (stillAccepts(backends, index))
                return index;
        }
    }
    /// The position in the list of the first index >= `from`, wrapping to 0 past the end
    /// (the next pick of a rotation whose cursor is `from`). The list must not be empty.
    static std::size_t firstAtOrAfter(std::span<const int> list, std::size_t from);
    /// Bumped by every rebuild, so derived structures know when to follow.
    std::uint64_t generation() const { return m_generation; }

private:
    const BackendInfo* m_data = nullptr;
    std::size_t m_size = 0;
    bool m_built = false;
    std::uint64_t m_generation = 0;
    std::vector<int> m_indices;
};

} // namespace lblab
