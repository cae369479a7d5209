#include "core/policies/geo.h"

#include "core/policies/query_param.h"

#include <algorithm>
#include <cctype>

namespace lblab {
namespace {

bool sameRegion(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

} // namespace

std::string_view GeoPolicy::requestRegion(const RequestView& request)
{
    if (auto header = trimmed(request.regionHeader); !header.empty())
        return header;
    if (auto loc = findQueryParam(request.target, "loc"); loc && !loc->empty())
        return *loc;
    if (auto region = findQueryParam(request.target, "region"); region && !region->empty())
        return *region;
    return {};
}

BackendRotation& GeoPolicy::rotationFor(std::string_view region)
{
    for (auto& [name, rotation] : m_regions)
        if (sameRegion(name, region))
            return rotation;
    std::string lower(region);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return m_regions.emplace_back(std::move(lower), BackendRotation{}).second;
}

Decision GeoPolicy::choose(const RequestView& request, std::span<const BackendInfo> backends)
{
    Decision d;
    const std::string_view region = requestRegion(request);
    d.key = region;
    if (!region.empty()) {
        auto inRegion = [region](const BackendInfo& b) { return b.acceptsNew() && sameRegion(b.region, region); };
        // Only regions that have a usable backend get a rotation, so made-up regions cannot grow the list.
        if (std::any_of(backends.begin(), backends.end(), inRegion)) {
            d.backend = rotationFor(region).next(backends, inRegion);
            d.kind = DecisionKind::Geo;
            return d;
        }
    }
    d.backend = m_fallback.nextAcceptingNew(backends);
    d.kind = d.backend < 0 ? DecisionKind::NoBackend : DecisionKind::GeoFallback;
    return d;
}

} // namespace lblab
