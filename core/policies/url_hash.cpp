#include "core/policies/url_hash.h"

#include "core/policies/hashing.h"

namespace lblab {

void UrlHashPolicy::decide(const RequestView& request, std::span<const BackendInfo> backends, Decision& d)
{
    d.reset();
    d.key = request.target;
    const std::uint64_t h = hashText(request.target);
    d.backend = m_accepting.pick(backends, [h](std::span<const int> list) { return h % list.size(); });
    if (d.backend >= 0)
        d.kind = DecisionKind::Hash;
}

} // namespace lblab
