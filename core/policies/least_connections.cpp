#include "core/policies/least_connections.h"

#include <algorithm>

namespace lblab {
namespace {

/// The counts the scan compared, in its order (from `start`, wrapping): at most
/// DecisionReason::kMaxCandidates of them, the winner at `best` always among them.
void recordCounts(DecisionReason& r, std::span<const BackendInfo> backends, std::span<const int> list,
                  std::size_t start, std::size_t best)
{
    const std::size_t n = list.size();
    const std::size_t shown = std::min<std::size_t>(n, DecisionReason::kMaxCandidates);
    const bool bestShown = (best >= start ? best - start : best + n - start) < shown;
    r.candidates = 0;
    std::size_t pos = start; // walked without a division per step: this runs on every decision
    for (std::size_t k = 0; k < shown; ++k) {
        const std::size_t at = (k + 1 == shown && !bestShown) ? best : pos;
        r.addCandidate(list[at], backends[static_cast<std::size_t>(list[at])].active);
        if (++pos == n)
            pos = 0;
    }
    r.more = static_cast<std::uint16_t>(std::min<std::size_t>(n - shown, 0xFFFF));
}

} // namespace

void LeastConnectionsPolicy::decide(const RequestView&, std::span<const BackendInfo> backends, Decision& d)
{
    d.reset();
    const std::size_t n = backends.size();
    // Scanning from the rotating start and keeping the first strict minimum breaks ties in turn.
    // `active` changes with every request, so the usable list is walked, never cached answers.
    const int best = m_accepting.pick(backends, [&](std::span<const int> list) {
        const std::size_t start = AcceptingBackends::firstAtOrAfter(list, m_next % n);
        std::size_t bestPos = start;
        int bestActive = backends[static_cast<std::size_t>(list[start])].active;
        auto scan = [&](std::size_t from, std::size_t to) {
            for (std::size_t j = from; j < to && bestActive > 0; ++j) {
                const int a = backends[static_cast<std::size_t>(list[j])].active;
                if (a < bestActive) {
                    bestActive = a;
                    bestPos = j;
                }
            }
        };
        // In-flight counts are never negative, so an idle backend ends the search.
        scan(start + 1, list.size());
        scan(0, start);
        recordCounts(d.reason, backends, list, start, bestPos);
        return bestPos;
    });
    if (best < 0) {
        d.reason.rule = ReasonRule::NoBackend;
        return;
    }
    d.reason.rule = ReasonRule::LeastConnections;
    m_next = (static_cast<std::size_t>(best) + 1) % n;
    d.backend = best;
    d.kind = DecisionKind::LeastConnections;
}

} // namespace lblab
