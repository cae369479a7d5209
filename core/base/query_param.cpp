#include "core/base/query_param.h"

namespace lblab {

std::optional<std::string_view> findQueryParam(std::string_view target, std::string_view name)
{
    const auto question = target.find('?');
    if (question == std::string_view::npos || name.empty())
        return std::nullopt;
    std::string_view query = target.substr(question + 1);
    // A fragment is never sent by clients, but a hand-typed curl URL may carry one.
    if (const auto hash = query.find('#'); hash != std::string_view::npos)
        query = query.substr(0, hash);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view part = query.substr(0, amp);
        const auto eq = part.find('=');
        const std::string_view key = part.substr(0, eq);
        if (key == name)
            return eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
        if (amp == std::string_view::npos)
            break;
        query.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

} // namespace lblab
