#include "core/policies/policy_catalog.h"

#include "core/policies/consistent_hash.h"
#include "core/policies/cookie_affinity.h"
#include "core/policies/geo.h"
#include "core/policies/ip_hash.h"
#include "core/policies/least_connections.h"
#include "core/policies/power_of_two.h"
#include "core/policies/random.h"
#include "core/policies/round_robin.h"
#include "core/policies/session_affinity.h"
#include "core/policies/source_ip_affinity.h"
#include "core/policies/url_hash.h"
#include "core/policies/url_param_affinity.h"
#include "core/policies/weighted_round_robin.h"

namespace lblab {

const std::vector<PolicyDescriptor>& PolicyCatalog::all()
{
    static const std::vector<PolicyDescriptor> catalog{
        {"round-robin", "Round robin", false,
         "Each new request goes to the next server in turn, skipping servers that are down."},
        {"weighted-round-robin", "Weighted round robin", false,
         "Servers take turns in proportion to their weight (5:3:1), spread out evenly like NGINX does."},
        {"random", "Random", false,
         "Each request goes to a server picked at random; fair on average, lumpy in the short run."},
        {"least-connections", "Least connections", false,
         "Each request goes to the server with the fewest requests in progress right now."},
        {"power-of-two", "Power of two choices", false,
         "Picks two servers at random and sends the request to the less busy one."},
        {"ip-hash", "IP hash", false,
         "The client's IP address picks the server; adding or removing a server moves most clients."},
        {"url-hash", "URL hash", false,
         "The requested URL picks the server, so the same page is always served by the same server."},
        {"geo", "Geo (region)", false,
         "Clients go to a server in their own region; if none is up there, to any server."},
        {"consistent-hash", "Consistent hash", false,
         "The client's IP address picks a point on a ring; changing the servers moves only a few clients."},
        {"source-ip-affinity", "Source IP affinity", true,
         "Remembers which server each client IP went to; a client whose IP changes loses its server."},
        {"cookie-affinity", "Cookie affinity", true,
         "The balancer gives each client a cookie naming its server and follows it, whatever the IP."},
        {"session-affinity", "Session affinity", true,
         "Learns the application's session cookie at login and keeps that session on the server that made it."},
        {"url-param-affinity", "URL parameter affinity", true,
         "Like session affinity, but the session id is read from the URL (?sid=...) instead of a cookie."},
    };
    return catalog;
}

const PolicyDescriptor* PolicyCatalog::find(std::string_view id)
{
    for (const auto& d : all())
        if (d.id == id)
            return &d;
    return nullptr;
}

std::unique_ptr<Policy> PolicyCatalog::make(std::string_view id, const PolicyOptions& o)
{
    if (id == "round-robin")
        return std::make_unique<RoundRobinPolicy>();
    if (id == "weighted-round-robin")
        return std::make_unique<WeightedRoundRobinPolicy>();
    if (id == "random")
        return std::make_unique<RandomPolicy>(o.seed);
    if (id == "least-connections")
        return std::make_unique<LeastConnectionsPolicy>();
    if (id == "power-of-two")
        return std::make_unique<PowerOfTwoPolicy>(o.seed);
    if (id == "ip-hash")
        return std::make_unique<IpHashPolicy>();
    if (id == "url-hash")
        return std::make_unique<UrlHashPolicy>();
    if (id == "geo")
        return std::make_unique<GeoPolicy>();
    if (id == "consistent-hash")
        return std::make_unique<ConsistentHashPolicy>(o.virtualNodes, o.boundedLoad, o.hashKey);
    if (id == "source-ip-affinity")
        return std::make_unique<SourceIpAffinityPolicy>(o.tableTtlSeconds, o.tableCapacity);
    if (id == "cookie-affinity")
        return std::make_unique<CookieAffinityPolicy>(o.cookieName, o.seed, o.tableTtlSeconds, o.tableCapacity);
    if (id == "session-affinity")
        return std::make_unique<SessionAffinityPolicy>(o.sessionCookieName, o.tableTtlSeconds, o.tableCapacity);
    if (id == "url-param-affinity")
        return std::make_unique<UrlParamAffinityPolicy>(o.urlParam, o.sessionCookieName, o.tableTtlSeconds,
                                                        o.tableCapacity);
    return nullptr;
}

} // namespace lblab
