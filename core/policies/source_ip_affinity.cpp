#include "core/policies/source_ip_affinity.h"

#include "core/base/peer_text.h"
#include "core/policies/usable_backends.h"

namespace lblab {

void SourceIpAffinityPolicy::decide(const RequestView& request, std::span<const BackendInfo> backends, Decision& d)
{
    d.reset();
    const PeerText peer(request.peer);
    d.key = peer.view();
    d.reason.key = ReasonKey::Address;
    PinEntry* entry = m_table.find(peer.view(), request.now);
    if (entry && servesPinnedAt(backends, entry->backend)) {
        d.reason.tableRow(ReasonRule::TablePinned, entry->backend, entry->created, request.now);
        m_table.touch(*entry, request.now);
        d.backend = entry->backend;
        d.kind = DecisionKind::Pinned;
        return;
    }
    const int pick = m_rotation.nextAcceptingNew(backends);
    if (pick < 0) {
        d.reason.rule = ReasonRule::NoBackend;
        return; // keep the pin: its server may come back
    }
    if (entry)
        d.reason.tableRow(ReasonRule::TableRepinned, entry->backend, entry->created, request.now);
    else
        d.reason.rule = ReasonRule::TableNoEntry;
    m_table.pin(peer.view(), pick, request.now);
    d.backend = pick;
    if (entry) {
        d.kind = DecisionKind::Repinned;
        ++m_repins;
    } else {
        d.kind = DecisionKind::NewPin;
    }
}

} // namespace lblab
