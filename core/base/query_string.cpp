#include "core/base/query_string.h"

#include "core/base/text.h"

namespace lblab {
namespace {

bool sameName(std::string_view written, std::string_view name)
{
    return needsPercentDecoding(written) ? percentDecode(written) == name : written == name;
}

} // namespace

std::optional<std::string_view> findQueryParam(std::string_view target, std::string_view name, std::string& scratch)
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
        if (sameName(part.substr(0, eq), name)) {
            const std::string_view value = eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
            if (!needsPercentDecoding(value))
                return value;
            scratch = percentDecode(value);
            return std::string_view(scratch);
        }
        if (amp == std::string_view::npos)
            break;
        query.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

std::optional<std::string> queryParam(std::string_view target, std::string_view name)
{
    std::string scratch;
    const auto value = findQueryParam(target, name, scratch);
    if (!value)
        return std::nullopt;
    return std::string(*value);
}

} // namespace lblab
