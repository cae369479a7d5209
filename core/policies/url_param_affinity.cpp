#include "core/policies/url_param_affinity.h"

#include "core/base/query_string.h"

namespace lblab {

std::optional<std::string_view> UrlParamAffinityPolicy::requestKey(const RequestView& request) const
{
    return findQueryParam(request.target, m_urlParam, m_decodedParam);
}

} // namespace lblab
