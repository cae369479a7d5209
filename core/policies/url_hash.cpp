#include "core/policies/url_hash.h"

#include "core/policies/hashing.h"

namespace lblab {

void UrlHashPolicy::decide(const RequestView& request, std::span<const BackendInfo> backends, Decision& d)
{
    d.reset();
    d.key = request.target;
    const std::uint64_t h = hashText(request.target);
    d.reason.key = ReasonKey::Url;
    d.backend = m_accepting.pick(backends, [h, &d](std::span<const int> list) { return d.reason.hashModulo(h, list.size()); });
    if (d.backend >= 0)
        d.kind = DecisionKind::Hash;
    else
        d.reason.rule = ReasonRule::NoBackend;
}

} // namespace lblab
