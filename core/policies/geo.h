#pragma once

#include "core/policies/accepting_backends.h"
#include "core/policies/backend_rotation.h"
#include "core/policies/policy.h"

#include <string>
#include <vector>

namespace lblab {

/// Sends a client to a server in its own region (X-Region header, or ?loc= / ?region= in the URL),
/// in turn among that region's servers; with no region, or none of its servers up, any server.
class GeoPolicy final : public Policy {
public:
    /// The id "geo".
    std::string_view id() const override { return "geo"; }
    /// Geo when a backend of the request's region takes new clients, else GeoFallback.
    void decide(const RequestView& request, std::span<const BackendInfo> backends, Decision& d) override;
    /// Regroups the usable backends by region.
    void backendsChanged(std::span<const BackendInfo> backends) override;

    /// The region a request asks for: X-Region, else query `loc`, else query `region` ("" if none),
    /// percent-decoded; the view may point into `scratch`.
    static std::string_view requestRegion(const RequestView& request, std::string& scratch);

private:
    /// The usable backends of one region (lower-cased name), in index order.
    struct RegionGroup {
        std::string name;
        std::vector<int> backends;
        std::size_t rotation = 0; ///< its entry in m_regions
    };

    /// The index in m_regions of `region`'s rotation; made the first time the region has a usable backend.
    std::size_t rotationFor(std::string_view region);
    /// Regroups if the usable list changed since the groups were made.
    void syncGroups(std::span<const BackendInfo> backends);
    /// The group of `region` (case-insensitive), or nullptr when none of its backends is usable.
    const RegionGroup* groupOf(std::string_view region) const;

    std::vector<std::pair<std::string, BackendRotation>> m_regions; ///< a handful: linear search is fastest
    BackendRotation m_fallback;
    AcceptingBackends m_accepting;
    std::vector<RegionGroup> m_groups;  ///< usable backends by region
    std::uint64_t m_groupsGeneration = 0; ///< m_accepting's generation m_groups was made from
    std::string m_decodedRegion;          ///< a percent-decoded ?loc= / ?region= value
};

} // namespace lblab
