#include "core/engines/engine_catalog.h"

#include "core/policies/policy_catalog.h"

namespace lblab {

std::optional<EngineKind> EngineCatalog::parse(std::string_view id)
{
    for (EngineKind kind : all())
        if (EngineCatalog::id(kind) == id)
            return kind;
    return std::nullopt;
}

std::string_view EngineCatalog::id(EngineKind kind)
{
    switch (kind) {
    case EngineKind::Builtin: return "builtin";
    case EngineKind::Haproxy: return "haproxy";
    case EngineKind::Nginx: return "nginx";
    }
    return "builtin";
}

std::string_view EngineCatalog::displayName(EngineKind kind)
{
    switch (kind) {
    case EngineKind::Builtin: return "Builtin";
    case EngineKind::Haproxy: return "HAProxy";
    case EngineKind::Nginx: return "NGINX";
    }
    return "Builtin";
}

std::string_view EngineCatalog::programName(EngineKind kind)
{
    switch (kind) {
    case EngineKind::Builtin: return "";
    case EngineKind::Haproxy: return "haproxy";
    case EngineKind::Nginx: return "nginx";
    }
    return "";
}

const std::vector<EngineKind>& EngineCatalog::all()
{
    static const std::vector<EngineKind> kinds{EngineKind::Builtin, EngineKind::Haproxy, EngineKind::Nginx};
    return kinds;
}

EngineSupport EngineCatalog::support(EngineKind kind, std::string_view policyId)
{
    if (!PolicyCatalog::find(policyId))
        return {false, "unknown policy \"" + std::string(policyId) + "\""};
    if (kind != EngineKind::Nginx)
        return {};
    // What NGINX open source lacks is state: a table that outlives one request. The sticky
    // directive that has one is NGINX Plus only.
    if (policyId == "source-ip-affinity")
        return {false, "NGINX open source keeps no client-address table (sticky is NGINX Plus)"};
    if (policyId == "session-affinity")
        return {false, "NGINX open source cannot learn a session cookie from a response (sticky learn is NGINX Plus)"};
    if (policyId == "url-param-affinity")
        return {false, "NGINX open source keeps no session table to look a URL parameter up in "
                       "(sticky learn is NGINX Plus)"};
    if (policyId == "cookie-affinity")
        return {false, "NGINX open source has no sticky cookie (sticky cookie is NGINX Plus)"};
    return {};
}

namespace {

std::string haproxyNote(std::string_view p)
{
    if (p == "round-robin")
        return "`balance roundrobin` with every weight equal: HAProxy hands requests to the servers in turn.";
    if (p == "weighted-round-robin")
        return "`balance roundrobin` with each server's weight: HAProxy spreads the turns smoothly in "
               "proportion to the weights, and can change a weight at run time.";
    if (p == "random")
        return "`balance random(1)`: one random draw per request (HAProxy draws on a consistent-hash "
               "ring of the servers, so weights would count).";
    if (p == "least-connections")
        return "`balance leastconn`: the server with the fewest connections in progress, round robin "
               "among equals.";
    if (p == "power-of-two")
        return "`balance random(2)`: HAProxy draws two servers and keeps the one with fewer connections "
               "(its default for `random`).";
    if (p == "ip-hash")
        return "`balance source` with `hash-type map-based`: the full client address modulo the servers, "
               "so removing one server moves most clients.";
    if (p == "url-hash")
        return "`balance uri whole` with `hash-type map-based`: the whole request target (path and query) "
               "picks the server.";
    if (p == "consistent-hash")
        return "`hash-type consistent` on the chosen key (`balance source`, `balance uri whole`, "
               "`balance url_param` or `balance hash req.cook(...)`); bounded load is `hash-balance-factor`.";
    if (p == "geo")
        return "One backend per region chosen by `use_backend` from X-Region, ?loc= or ?region=, only "
               "while `nbsrv` says one of its servers is up; otherwise the backend of all servers.";
    if (p == "source-ip-affinity")
        return "A stick table keyed on the source address (`stick on src`): the first request is balanced "
               "round robin and the table remembers the server; it is shared through a local `peers` "
               "section so a reload keeps it.";
    if (p == "cookie-affinity")
        return "`cookie ... insert indirect nocache`: HAProxy adds a cookie naming the server to the first "
               "response and follows it afterwards, hiding it from the server; no table is kept.";
    if (p == "session-affinity")
        return "A string stick table learns the application's session cookie from the login response "
               "(`stick store-response res.cook(...)`) and matches it on later requests (`stick match req.cook(...)`).";
    if (p == "url-param-affinity")
        return "A string stick table learns the session id from the login response's cookie and matches the "
               "URL parameter on later requests (`stick match url_param(...)`).";
    return {};
}

std::string nginxNote(std::string_view p)
{
    if (p == "round-robin")
        return "NGINX's default balancing with every weight equal: requests go to the servers in turn.";
    if (p == "weighted-round-robin")
        return "NGINX's default balancing is smooth weighted round robin: `weight=` spreads the turns in "
               "proportion, interleaved (5:1:1 gives a a b a c a a).";
    if (p == "random")
        return "`random;`: a uniformly random server per request (per worker; the lab runs one worker).";
    if (p == "least-connections")
        return "`least_conn;`: the server with the fewest active connections, counted per worker.";
    if (p == "power-of-two")
        return "`random two least_conn;`: two servers drawn at random, the one with fewer active connections wins.";
    if (p == "ip-hash")
        return "NGINX's own ip_hash keys on the first three octets of an IPv4 address, so a whole /24 lands on "
               "one server; the lab maps ip-hash to `hash $remote_addr` (the full address).";
    if (p == "url-hash")
        return "`hash $request_uri;`: the whole request target (path and query) picks the server.";
    if (p == "consistent-hash")
        return "`hash <key> consistent;` is ketama: 160 points per unit of weight on a ring. NGINX open "
               "source has no bounded load, so the bounded-load factor is ignored.";
    if (p == "geo")
        return "A `map` turns X-Region, ?loc= or ?region= into the region's upstream; the other servers sit "
               "in it as `backup`, used only when none of the region's is available (NGINX open source has "
               "no active health checks: a server is skipped after a failed attempt).";
    return {};
}

} // namespace

std::string EngineCatalog::note(EngineKind kind, std::string_view policyId)
{
    switch (kind) {
    case EngineKind::Builtin: return {};
    case EngineKind::Haproxy: return haproxyNote(policyId);
    case EngineKind::Nginx: {
        const EngineSupport s = support(kind, policyId);
        return s.supported ? nginxNote(policyId) : s.reason;
    }
    }
    return {};
}

std::string_view EngineCatalog::directive(EngineKind kind, std::string_view p)
{
    struct Words {
        std::string_view policy, haproxy, nginx;
    };
    static constexpr Words kWords[] = {
        {"round-robin", "balance roundrobin", "round robin"},
        {"weighted-round-robin", "balance roundrobin (weights)", "weighted round robin"},
        {"random", "balance random(1)", "random"},
        {"least-connections", "balance leastconn", "least_conn"},
        {"power-of-two", "balance random(2)", "random two least_conn"},
        {"ip-hash", "balance source (map-based)", "hash $remote_addr"},
        {"url-hash", "balance uri whole (map-based)", "hash $request_uri"},
        {"consistent-hash", "hash-type consistent", "hash consistent"},
        {"geo", "use_backend by region", "map by region, others backup"},
        {"source-ip-affinity", "stick on src", ""},
        {"cookie-affinity", "cookie insert", ""},
        {"session-affinity", "stick match req.cook", ""},
        {"url-param-affinity", "stick match url_param", ""},
    };
    for (const Words& w : kWords)
        if (w.policy == p)
            return kind == EngineKind::Haproxy ? w.haproxy : kind == EngineKind::Nginx ? w.nginx : std::string_view();
    return {};
}

} // namespace lblab
