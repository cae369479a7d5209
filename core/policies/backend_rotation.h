#pragma once

#include "core/policies/policy.h"

#include <cstddef>
#include <span>

namespace lblab {

/// A round-robin cursor over backend indices: each pick starts after the previous one, so
/// backends that are skipped (down, draining) do not make their neighbours take double turns.
class BackendRotation {
public:
    /// The next backend after the last pick for which `usable(backend)` holds, or -1 if none.
    template <typename Pred>
    int next(std::span<const BackendInfo> backends, Pred usable)
    {
        const std::size_t n = backends.size();
        if (n == 0)
            return -1;
        for (std::size_t step = 0; step < n; ++step) {
            const std::size_t i = (m_next + step) % n;
            if (usable(backends[i])) {
                m_next = (i + 1) % n;
                return static_cast<int>(i);
            }
        }
        return -1;
    }
    /// The next backend that may take a new client.
    int nextAcceptingNew(std::span<const BackendInfo> backends)
    {
        return next(backends, [](const BackendInfo& b) { return b.acceptsNew(); });
    }
    /// Where the next search starts.
    std::size_t position() const { return m_next; }
    /// Moves the cursor so the next search starts at `index`.
    void seek(std::size_t index) { m_next = index; }

private:
    std::size_t m_next = 0;
};

} // namespace lblab
