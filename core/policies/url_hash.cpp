#include "core/policies/url_hash.h"

#include "core/policies/hashing.h"
#include "core/policies/usable_backends.h"

namespace lblab {

Decision UrlHashPolicy::choose(const RequestView& request, std::span<const BackendInfo> backends)
{
    Decision d;
    d.key = request.target;
    const std::size_t n = countAcceptingNew(backends);
    if (n == 0)
        return d;
    d.backend = nthAcceptingNew(backends, hashText(request.target) % n);
    d.kind = DecisionKind::Hash;
    return d;
}

} // namespace lblab
