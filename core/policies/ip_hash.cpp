#include "core/policies/ip_hash.h"

#include "core/policies/hashing.h"
#include "core/base/peer_text.h"

namespace lblab {

void IpHashPolicy::decide(const RequestView& request, std::span<const BackendInfo> backends, Decision& d)
{
    d.reset();
    d.key = PeerText(request.peer).view(); // at most 15 characters: fits the small-string buffer
    const std::uint64_t h = mixHash(request.peer);
    d.reason.key = ReasonKey::Address;
    d.backend = m_accepting.pick(backends, [h, &d](std::span<const int> list) { return d.reason.hashModulo(h, list.size()); });
    if (d.backend >= 0)
        d.kind = DecisionKind::Hash;
    else
        d.reason.rule = ReasonRule::NoBackend;
}

} // namespace lblab
