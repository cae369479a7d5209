#pragma once

#include "core/policies/policy.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lblab {

/// Options that tune policies; defaults are sensible for the lab.
struct PolicyOptions {
    std::uint64_t seed = 1;                  ///< for random and power-of-two
    double tableTtlSeconds = 300;            ///< idle TTL of session tables
    std::size_t tableCapacity = 100000;      ///< bound of session tables (least recently used is evicted)
    std::string cookieName = "LBLAB_SRV";    ///< cookie-affinity's own cookie
    std::string sessionCookieName = "SESSIONID"; ///< the application's session cookie
    std::string urlParam = "sid";            ///< url-param-affinity's parameter
    int virtualNodes = 160;                  ///< consistent-hash points per backend
    double boundedLoad = 0;                  ///< consistent-hash bounded-load factor (0 = off, e.g. 1.25)
    /// What consistent-hash hashes: "source-ip", "url", "cookie:NAME" or "param:NAME"
    /// (a request without that cookie or parameter falls back to its source address).
    std::string hashKey = "source-ip";
};

/// One entry of the catalog.
struct PolicyDescriptor {
    std::string id;          ///< e.g. "round-robin"
    std::string name;        ///< e.g. "Round robin"
    bool stateful = false;   ///< keeps a session table
    std::string summary;     ///< one line: what it decides from
};

/// Every policy the lab knows, and the one place that makes them.
class PolicyCatalog {
public:
    /// All policies, stateless first, in the order README.md lists them.
    static const std::vector<PolicyDescriptor>& all();
    /// The descriptor of `id`, or nullptr.
    static const PolicyDescriptor* find(std::string_view id);
    /// A new policy; nullptr for an unknown id.
    static std::unique_ptr<Policy> make(std::string_view id, const PolicyOptions& options);
};

} // namespace lblab
