#include "core/engines/haproxy_config.h"

#include "core/engines/config_lines.h"
#include "core/engines/config_words.h"

#include "core/policies/decision.h"
#include "core/policies/policy_catalog.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

namespace lblab {

namespace {

constexpr std::string_view kHaproxy = "HAProxy";
/// The local peer's name; `localpeer` in the global section makes HAProxy use it instead of the hostname.
constexpr std::string_view kLocalPeer = "lblab";
constexpr std::string_view kAllBackend = "be_lab";

bool isTablePolicy(std::string_view p)
{
    return p == "source-ip-affinity" || p == "session-affinity" || p == "url-param-affinity";
}

int serverWeight(std::string_view policy, const EngineBackend& b)
{
    if (b.draining || b.weight <= 0)
        return 0;
    return ConfigWords::usesWeights(policy) ? std::min(b.weight, 256) : 1;
}

/// What consistent-hash hashes: the balance line and the sample that is logged as the key.
struct HaproxyHashKey {
    std::string balance;
    std::string sample;
    std::string words;
};

HaproxyHashKey haproxyHashKeyOf(std::string_view key)
{
    if (key == "source-ip")
        return {"balance source", "src", "the client's address"};
    if (key == "url")
        return {"balance uri whole", "url", "the whole request target (path and query)"};
    if (key.starts_with("cookie:") && key.size() > 7) {
        const std::string name(key.substr(7));
        ConfigWords::requireToken(kHaproxy, "cookie name", name);
        return {"balance hash req.cook(" + name + ")", "req.cook(" + name + ")", "the cookie " + name};
    }
    if (key.starts_with("param:") && key.size() > 6) {
        const std::string name(key.substr(6));
        ConfigWords::requireToken(kHaproxy, "URL parameter", name);
        return {"balance url_param " + name, "url_param(" + name + ")", "the URL parameter " + name};
    }
    throw std::invalid_argument("HAProxy configuration: unknown consistent-hash key \"" + std::string(key) + "\"");
}

void writeGlobal(ConfigLines& out, const EngineSetup& s, bool peers)
{
    out.add("global");
    out.add("    # master-worker mode and the master socket come from the command line (-W -S)");
    out.add("    pidfile " + EnginePaths::pidFile(s).string());
    out.add("    stats socket " + EnginePaths::statsSocket(s).string() + " mode 600 level admin expose-fd listeners");
    out.add("    maxconn " + std::to_string(std::max(1, s.maxConnections)));
    if (s.logPort != 0) {
        out.add("    # raw format: each UDP datagram is exactly one LBLAB1 line, no syslog header");
        out.add("    log 127.0.0.1:" + std::to_string(s.logPort) + " len 8192 format raw local0");
    }
    out.add("    hard-stop-after 5s");
    if (peers)
        out.add("    localpeer " + std::string(kLocalPeer));
    out.blank();
}

void writePeers(ConfigLines& out, const EngineSetup& s)
{
    out.add("# The stick table is kept in a local peers section, so a reload hands it to the new process");
    out.add("peers lab_peers");
    out.add("    peer " + std::string(kLocalPeer) + " 127.0.0.1:" + std::to_string(s.peersPort));
    out.blank();
}

void writeDefaults(ConfigLines& out, const EngineSetup& s)
{
    out.add("defaults");
    out.add("    mode http");
    out.add("    log global");
    out.add("    # One line per request, fields separated by single spaces, \"-\" when empty:");
    out.add("    # LBLAB1 client-ip status total-ms retries backend client-id x-session why key method uri");
    out.add("    log-format \"" + std::string(kEngineLogMarker) +
            " %ci %ST %Ta %rc %[var(txn.backend)] %[var(txn.client)] %[var(txn.session)] %[var(txn.why)] "
            "%[var(txn.key)] %HM %HU\"");
    out.add("    timeout connect " + ConfigWords::duration(s.connectTimeoutSeconds));
    out.add("    timeout client " + ConfigWords::duration(s.clientTimeoutSeconds));
    out.add("    timeout server " + ConfigWords::duration(s.serverTimeoutSeconds));
    out.add("    timeout check " + ConfigWords::duration(s.healthCheck.timeoutSeconds));
    out.add("    # a failed connection is retried, on another server after the first retry");
    out.add("    retries " + std::to_string(std::max(0, s.retries)));
    out.add("    option redispatch");
    out.add("    retry-on conn-failure empty-response response-timeout");
    out.add("    option forwardfor");
    out.add("    # a connection that sends nothing (a port probe) is not a request: no log line");
    out.add("    option dontlognull");
    out.add("    option http-ignore-probes");
    out.blank();
}

void writeFrontend(ConfigLines& out, const EngineSetup& s, const std::vector<std::string>& regions)
{
    const bool geo = s.policy == "geo";
    out.add("frontend fe_lab");
    out.add("    bind " + s.listenAddress + ":" + std::to_string(s.listenPort));
    out.add("    maxconn " + std::to_string(std::max(1, s.maxConnections)));
    out.add("    # what the log line reports (spaces replaced so the fields stay apart)");
    out.add("    http-request set-var(txn.client) req.hdr(X-LBLab-Client),regsub(\"[[:space:]]\",_,g)");
    out.add("    http-response set-var(txn.backend) res.hdr(X-Backend),regsub(\"[[:space:]]\",_,g)");
    out.add("    http-response set-var(txn.session) res.hdr(X-Session),regsub(\"[[:space:]]\",_,g)");
    if (geo) {
        out.add("    # geo: the region the client asks for: the X-Region header, else ?loc=, else ?region=");
        out.policy("    http-request set-var(txn.region) req.hdr(X-Region),lower if { req.hdr(X-Region) -m found }");
        for (const char* param : {"loc", "region"})
            out.policy(std::string("    http-request set-var(txn.region) url_param(") + param +
                       "),url_dec,lower if !{ var(txn.region) -m found } { url_param(" + param + ") -m found }");
        out.add("    # to that region's servers while at least one of them is up; else to all servers");
        for (const auto& r : regions)
            out.policy("    use_backend be_" + r + " if { var(txn.region) -m str " + r + " } { nbsrv(be_" + r +
                       ") gt 0 }");
    }
    out.add("    default_backend " + std::string(kAllBackend));
    out.blank();
}

void writeHealthCheck(ConfigLines& out)
{
    out.add("    option httpchk GET /health");
    out.add("    http-check expect status 200");
}

/// `trackedFrom`: a backend whose server of the same name does the health checks ("" = check here).
void writeServers(ConfigLines& out, const EngineSetup& s, const std::vector<const EngineBackend*>& servers,
                  std::string_view trackedFrom)
{
    const bool cookie = s.policy == "cookie-affinity";
    const bool highlight = cookie || s.policy == "weighted-round-robin";
    for (const EngineBackend* b : servers) {
        if (b->down)
            out.add("    # " + b->name + " is down: disabled (maintenance), it gets no traffic");
        else if (b->draining)
            out.add("    # " + b->name + " is draining: weight 0 keeps the clients pinned to it but gives it no new ones");
        std::string line = "    server " + b->name + " " + b->address + ":" + std::to_string(b->port) + " weight " +
                           std::to_string(serverWeight(s.policy, *b));
        if (trackedFrom.empty())
            line += " check inter " + ConfigWords::duration(s.healthCheck.intervalSeconds, 10) + " rise " +
                    std::to_string(std::max(1, s.healthCheck.rise)) + " fall " +
                    std::to_string(std::max(1, s.healthCheck.fall));
        else
            line += " track " + std::string(trackedFrom) + "/" + b->name;
        if (cookie)
            line += " cookie " + b->name;
        if (b->down)
            line += " disabled";
        out.add(line, highlight);
    }
}

std::string tableLine(const EngineSetup& s, std::string_view type, bool peers)
{
    std::string line = "    stick-table type " + std::string(type) + " size " +
                       std::to_string(std::max<std::size_t>(1, s.tableCapacity)) + " expire " +
                       ConfigWords::duration(s.tableTtlSeconds, 1000) + " store http_req_cnt";
    if (peers)
        line += " peers lab_peers";
    return line;
}

/// Sets txn.why to pinned / re-pinned when `sample` (the request's key) is in the table: pinned
/// when the server that answered is the one the table named.
void writeTableWhy(ConfigLines& out, const std::string& sample, std::string_view otherwise)
{
    const std::string table(kAllBackend);
    out.add("    # why, for the log: " + std::string(otherwise) + ", or pinned when the key is in the table "
            "(re-pinned when its server could not take it)");
    out.add("    http-request set-var(txn.why) str(" + std::string(otherwise) + ")");
    out.add("    http-request set-var(txn.key) " + sample);
    out.add("    http-request set-var(txn.pin) " + sample + ",table_server_id(" + table + ") if { " + sample +
            ",in_table(" + table + ") }");
    out.add("    http-request set-var(txn.why) str(" + ConfigWords::why(DecisionKind::Pinned) + ") if { var(txn.pin) -m found }");
    out.add("    http-response set-var(txn.why) str(" + ConfigWords::why(DecisionKind::Repinned) +
            ") if { var(txn.pin) -m found } !{ srv_id,sub(txn.pin) eq 0 }");
    out.add("    # count each key's requests in its row (http_req_cnt: the session table's hits), after the why");
    out.add("    http-request track-sc0 " + sample + " if { " + sample + " -m found }");
}

void writePolicy(ConfigLines& out, const EngineSetup& s, bool peers)
{
    const std::string& p = s.policy;
    auto staticWhy = [&](DecisionKind kind) {
        out.add("    http-request set-var(txn.why) str(" + ConfigWords::why(kind) + ")");
    };
    if (p == "round-robin") {
        out.add("    # round robin: each request goes to the next server in turn (all weights equal)");
        out.policy("    balance roundrobin");
        staticWhy(DecisionKind::RoundRobin);
    } else if (p == "weighted-round-robin") {
        out.add("    # weighted round robin: turns in proportion to each server's weight");
        out.policy("    balance roundrobin");
        staticWhy(DecisionKind::WeightedRoundRobin);
    } else if (p == "random") {
        out.add("    # random: one server drawn at random for each request");
        out.policy("    balance random(1)");
        staticWhy(DecisionKind::Random);
    } else if (p == "power-of-two") {
        out.add("    # power of two choices: draw two servers at random, keep the less busy one");
        out.policy("    balance random(2)");
        staticWhy(DecisionKind::PowerOfTwo);
    } else if (p == "least-connections") {
        out.add("    # least connections: the server with the fewest requests in progress");
        out.policy("    balance leastconn");
        staticWhy(DecisionKind::LeastConnections);
    } else if (p == "ip-hash") {
        out.add("    # IP hash: the client's address modulo the number of servers picks the server");
        out.policy("    balance source");
        out.policy("    hash-type map-based");
        staticWhy(DecisionKind::Hash);
        out.add("    http-request set-var(txn.key) src");
    } else if (p == "url-hash") {
        out.add("    # URL hash: the whole request target (path and query) picks the server");
        out.policy("    balance uri whole");
        out.policy("    hash-type map-based");
        staticWhy(DecisionKind::Hash);
        out.add("    http-request set-var(txn.key) url");
    } else if (p == "consistent-hash") {
        const HaproxyHashKey key = haproxyHashKeyOf(s.hashKey);
        out.add("    # consistent hash: " + key.words + " picks a point on a ring of the servers;");
        out.add("    # adding or removing a server moves only the clients next to it");
        out.policy("    " + key.balance);
        out.policy("    hash-type consistent");
        if (s.boundedLoad > 1) {
            out.add("    # bounded load: skip a server already above " + std::to_string(std::lround(100 * s.boundedLoad)) +
                    "% of the average load");
            out.policy("    hash-balance-factor " + std::to_string(std::lround(100 * s.boundedLoad)));
        }
        staticWhy(DecisionKind::Hash);
        out.add("    http-request set-var(txn.key) " + key.sample);
    } else if (p == "geo") {
        out.add("    # geo fallback: no region asked for, or none of its servers up: all servers in turn");
        out.policy("    balance roundrobin");
        staticWhy(DecisionKind::GeoFallback);
        out.add("    http-request set-var(txn.key) var(txn.region)");
    } else if (p == "source-ip-affinity") {
        out.add("    # source IP affinity: the first request of an address is balanced round robin;");
        out.add("    # the table remembers the server and later requests from that address follow it");
        out.policy("    balance roundrobin");
        out.policy(tableLine(s, "ip", peers));
        out.policy("    stick on src");
        writeTableWhy(out, "src", ConfigWords::why(DecisionKind::NewPin));
    } else if (p == "cookie-affinity") {
        ConfigWords::requireToken(kHaproxy, "cookie name", s.cookieName);
        out.add("    # cookie affinity: the first response gets a cookie naming the server (its `cookie` value");
        out.add("    # below); later requests follow it; HAProxy removes it before the server sees the request");
        out.policy("    balance roundrobin");
        out.policy("    cookie " + s.cookieName + " insert indirect nocache");
        out.add("    # why, for the log: pinned when the cookie named the server that answered, re-pinned when");
        out.add("    # it named another (down) server, new-pin without a cookie");
        out.add("    http-request set-var(txn.key) req.cook(" + s.cookieName + ")");
        out.add("    http-request set-var(txn.why) str(" + ConfigWords::why(DecisionKind::NewPin) + ")");
        out.add("    http-response set-var(txn.srv) srv_name");
        out.add("    http-response set-var(txn.why) str(" + ConfigWords::why(DecisionKind::Pinned) +
                ") if { var(txn.key) -m found } { var(txn.key),strcmp(txn.srv) eq 0 }");
        out.add("    http-response set-var(txn.why) str(" + ConfigWords::why(DecisionKind::Repinned) +
                ") if { var(txn.key) -m found } !{ var(txn.key),strcmp(txn.srv) eq 0 }");
        out.add("    http-response set-var(txn.key) var(txn.srv) unless { var(txn.key) -m found }");
    } else if (p == "session-affinity" || p == "url-param-affinity") {
        ConfigWords::requireToken(kHaproxy, "session cookie name", s.sessionCookieName);
        const bool param = p == "url-param-affinity";
        if (param)
            ConfigWords::requireToken(kHaproxy, "URL parameter", s.urlParam);
        const std::string sample =
            param ? "url_param(" + s.urlParam + ")" : "req.cook(" + s.sessionCookieName + ")";
        out.add("    # " + std::string(param ? "URL parameter" : "session") +
                " affinity: requests without a known session id go round robin;");
        out.add("    # the table learns the id from the response that sets the " + s.sessionCookieName +
                " cookie (the login)");
        out.add("    # and later requests carrying it" + std::string(param ? " in ?" + s.urlParam + "=" : "") +
                " go to the server that made it");
        out.policy("    balance roundrobin");
        out.policy(tableLine(s, "string len 64", peers));
        out.policy("    stick match " + sample);
        out.policy("    stick store-response res.cook(" + s.sessionCookieName + ")");
        writeTableWhy(out, sample, ConfigWords::why(DecisionKind::RoundRobin));
    }
}

} // namespace

GeneratedConfig HaproxyConfig::generate(const EngineSetup& s)
{
    const PolicyDescriptor* descriptor = PolicyCatalog::find(s.policy);
    if (!descriptor)
        throw std::invalid_argument("HAProxy configuration: unknown policy \"" + s.policy + "\"");
    ConfigWords::requireAddress(kHaproxy, "listen address", s.listenAddress);
    for (const auto& b : s.backends) {
        ConfigWords::requireToken(kHaproxy, "backend name", b.name);
        ConfigWords::requireAddress(kHaproxy, "backend address", b.address);
    }
    const bool peers = isTablePolicy(s.policy) && s.peersPort != 0;
    const std::vector<std::string> regions = s.policy == "geo" ? ConfigWords::regionsOf(kHaproxy, s) : std::vector<std::string>{};

    ConfigLines out;
    out.add("# Generated by LB Lab for the policy \"" + s.policy + "\" (" + descriptor->name + ").");
    out.add("# HAProxy 2.6; the lab runs it as: haproxy -W -S " + EnginePaths::masterSocket(s).string() + " -f " +
            EnginePaths::config(s, EngineKind::Haproxy).string());
    out.add("# The lab rewrites this file whenever the setup changes.");
    out.blank();
    writeGlobal(out, s, peers);
    if (peers)
        writePeers(out, s);
    writeDefaults(out, s);
    writeFrontend(out, s, regions);

    std::vector<const EngineBackend*> all;
    for (const auto& b : s.backends)
        all.push_back(&b);
    out.add("# every server: health-checked here (GET /health every " + ConfigWords::duration(s.healthCheck.intervalSeconds, 10) +
            ")");
    out.add("backend " + std::string(kAllBackend));
    writePolicy(out, s, peers);
    writeHealthCheck(out);
    writeServers(out, s, all, "");

    for (const auto& r : regions) {
        std::vector<const EngineBackend*> members;
        for (const auto& b : s.backends)
            if (ConfigWords::lower(b.region) == r)
                members.push_back(&b);
        out.blank();
        out.add("# the servers of region " + r + ", in turn; their health is the one checked in " +
                std::string(kAllBackend));
        out.add("backend be_" + r);
        out.policy("    balance roundrobin");
        out.add("    http-request set-var(txn.why) str(" + ConfigWords::why(DecisionKind::Geo) + ")");
        out.add("    http-request set-var(txn.key) var(txn.region)");
        writeServers(out, s, members, kAllBackend);
    }
    return out.finish("haproxy.cfg");
}

} // namespace lblab
