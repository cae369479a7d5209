#include "core/policies/geo.h"

#include "core/http/message_head.h"
#include "core/base/query_string.h"

#include <algorithm>

namespace lblab {
namespace {

// ASCII only (region names are): std::tolower would be a locale-dependent call per character.
char lowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool sameRegion(std::string_view a, std::string_view b)
{
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lowerAscii(x) == lowerAscii(y); });
}

std::string lowered(std::string_view s)
{
    std::string lower(s);
    std::transform(lower.begin(), lower.end(), lower.begin(), lowerAscii);
    return lower;
}

/// The next pick of a rotation whose cursor is `rotation`, among `list` (sorted, not empty):
/// what BackendRotation::next would find scanning all `n` backends from its cursor.
int nextIn(std::span<const int> list, const BackendRotation& rotation, std::size_t n)
{
    return list[AcceptingBackends::firstAtOrAfter(list, rotation.position() % n)];
}

} // namespace

std::string_view GeoPolicy::requestRegion(const RequestView& request, std::string& scratch)
{
    if (auto header = trimOws(request.regionHeader); !header.empty())
        return header;
    if (auto loc = findQueryParam(request.target, "loc", scratch); loc && !loc->empty())
        return *loc;
    if (auto region = findQueryParam(request.target, "region", scratch); region && !region->empty())
        return *region;
    return {};
}

std::size_t GeoPolicy::rotationFor(std::string_view region)
{
    for (std::size_t i = 0; i < m_regions.size(); ++i)
        if (sameRegion(m_regions[i].first, region))
            return i;
    m_regions.emplace_back(lowered(region), BackendRotation{});
    return m_regions.size() - 1;
}

void GeoPolicy::syncGroups(std::span<const BackendInfo> backends)
{
    const auto list = m_accepting.list(backends);
    if (m_accepting.generation() == m_groupsGeneration)
        return;
    m_groupsGeneration = m_accepting.generation();
    m_groups.clear();
    for (int i : list) {
        const std::string_view region = backends[static_cast<std::size_t>(i)].region;
        auto it = std::find_if(m_groups.begin(), m_groups.end(),
                               [&](const RegionGroup& g) { return sameRegion(g.name, region); });
        if (it == m_groups.end())
            it = m_groups.insert(m_groups.end(), RegionGroup{lowered(region), {}});
        it->backends.push_back(i);
    }
    // A rotation starts at the first backend whenever it is made, so making it here rather than
    // at the region's first request changes nothing, and keeps the lookup out of choose().
    for (auto& g : m_groups)
        g.rotation = rotationFor(g.name);
}

const GeoPolicy::RegionGroup* GeoPolicy::groupOf(std::string_view region) const
{
    for (const auto& g : m_groups)
        if (sameRegion(g.name, region))
            return &g;
    return nullptr;
}

void GeoPolicy::backendsChanged(std::span<const BackendInfo> backends)
{
    m_accepting.rebuild(backends);
    syncGroups(backends);
}

void GeoPolicy::decide(const RequestView& request, std::span<const BackendInfo> backends, Decision& d)
{
    d.reset();
    const std::string_view region = requestRegion(request, m_decodedRegion);
    d.key = region;
    d.reason.key = ReasonKey::Region;
    const std::size_t n = backends.size();
    for (;;) { // at most twice: a second pass runs on freshly rebuilt groups
        syncGroups(backends);
        // Only regions that have a usable backend get a rotation, so made-up regions cannot grow the list.
        if (const RegionGroup* group = region.empty() ? nullptr : groupOf(region)) {
            BackendRotation& rotation = m_regions[group->rotation].second;
            const int pick = nextIn(group->backends, rotation, n);
            if (!m_accepting.stillAccepts(backends, pick))
                continue;
            rotation.seek((static_cast<std::size_t>(pick) + 1) % n);
            d.backend = pick;
            d.kind = DecisionKind::Geo;
            d.reason.rule = ReasonRule::Region;
            d.reason.listCandidates(group->backends, [](std::size_t) { return 0; });
            return;
        }
        const auto list = m_accepting.list(backends);
        if (list.empty()) {
            d.kind = DecisionKind::NoBackend;
            d.reason.rule = ReasonRule::NoBackend;
            return;
        }
        const int pick = nextIn(list, m_fallback, n);
        if (!m_accepting.stillAccepts(backends, pick))
            continue;
        m_fallback.seek((static_cast<std::size_t>(pick) + 1) % n);
        d.backend = pick;
        d.kind = DecisionKind::GeoFallback;
        d.reason.rule = ReasonRule::RegionFallback;
        return;
    }
}

} // namespace lblab
