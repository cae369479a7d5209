#include "core/policies/ip_hash.h"

#include "core/policies/hashing.h"
#include "core/policies/peer_text.h"
#include "core/policies/usable_backends.h"

namespace lblab {

Decision IpHashPolicy::choose(const RequestView& request, std::span<const BackendInfo> backends)
{
    Decision d;
    d.key = PeerText(request.peer).view(); // at most 15 characters: fits the small-string buffer
    const std::size_t n = countAcceptingNew(backends);
    if (n == 0)
        return d;
    d.backend = nthAcceptingNew(backends, mixHash(request.peer) % n);
    d.kind = DecisionKind::Hash;
    return d;
}

} // namespace lblab
