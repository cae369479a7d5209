#pragma once

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
    Decision choose(const RequestView& request, std::span<const BackendInfo> backends) override;

    /// The region a request asks for: X-Region, else query `loc`, else query `region` ("" if none).
    static std::string_view requestRegion(const RequestView& request);

private:
    /// The rotation of `region`; made the first time a backend of that region is used.
    BackendRotation& rotationFor(std::string_view region);

    std::vector<std::pair<std::string, BackendRotation>> m_regions; ///< a handful: linear search is fastest
    BackendRotation m_fallback;
};

} // namespace lblab
