#include "core/engines/nginx_config.h"

#include "core/engines/config_lines.h"
#include "core/engines/config_words.h"

#include "core/engines/engine_catalog.h"
#include "core/policies/decision.h"
#include "core/policies/policy_catalog.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

namespace lblab {

namespace {

constexpr std::string_view kNginx = "NGINX";
constexpr std::string_view kAllUpstream = "lab";

std::string endpoint(const std::string& address, std::uint16_t port)
{
    const bool v6 = address.find(':') != std::string::npos;
    return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

/// The NGINX variable a hash policy hashes on.
struct NginxHashKey {
    std::string variable;
    std::string words;
};

NginxHashKey nginxHashKeyOf(std::string_view key)
{
    if (key == "source-ip")
        return {"$remote_addr", "the client's full address"};
    if (key == "url")
        return {"$request_uri", "the whole request target (path and query)"};
    if (key.starts_with("cookie:") && key.size() > 7) {
        ConfigWords::requireWord(kNginx, "cookie name", key.substr(7));
        return {"$cookie_" + std::string(key.substr(7)), "the cookie " + std::string(key.substr(7))};
    }
    if (key.starts_with("param:") && key.size() > 6) {
        ConfigWords::requireWord(kNginx, "URL parameter", key.substr(6));
        return {"$arg_" + std::string(key.substr(6)), "the URL parameter " + std::string(key.substr(6))};
    }
    throw std::invalid_argument("NGINX configuration: unknown consistent-hash key \"" + std::string(key) + "\"");
}

/// A map turning an empty or absent value into "-", and keeping only its first word, so every log
/// field is one space-free word.
void writeWordMap(ConfigLines& out, std::string_view source, std::string_view target)
{
    const std::string capture = std::string(target.substr(1)) + "_word";
    out.add("    map " + std::string(source) + " " + std::string(target) + " {");
    out.add("        default -;");
    out.add("        \"~^(?<" + capture + ">[^[:space:]]+)\" $" + capture + ";");
    out.add("    }");
}

/// `keyVariable`: what $lblab_key is made from ("" = no key, or one a geo map already makes when `geoKey`).
void writeLogging(ConfigLines& out, const EngineSetup& s, const std::string& keyVariable, bool geoKey)
{
    out.add("    # The log line, one per request; every field one word, \"-\" when empty:");
    out.add("    # LBLAB1 client-ip status total-seconds retries backend client-id x-session why key method uri");
    writeWordMap(out, "$upstream_http_x_backend", "$lblab_backend");
    writeWordMap(out, "$http_x_lblab_client", "$lblab_client");
    writeWordMap(out, "$upstream_http_x_session", "$lblab_session");
    if (!keyVariable.empty())
        writeWordMap(out, keyVariable, "$lblab_key");
    out.add("    # retries: the upstream addresses tried (\"a, b\") minus one");
    out.add("    map $upstream_addr $lblab_retries {");
    out.add("        default -;");
    const int tries = std::max(0, s.retries) + 1;
    for (int extra = 0; extra < tries; ++extra) {
        std::string regex = "^[^,]+";
        for (int i = 0; i < extra; ++i)
            regex += ",[^,]+";
        out.add("        \"~" + regex + "$\" " + std::to_string(extra) + ";");
    }
    out.add("    }");
    out.add("    log_format lblab '" + std::string(kEngineLogMarker) +
            " $remote_addr $status $request_time $lblab_retries $lblab_backend $lblab_client $lblab_session "
            "$lblab_why " + (keyVariable.empty() && !geoKey ? "-" : "$lblab_key") + " $request_method $request_uri';");
    if (s.logPort != 0)
        out.add("    access_log syslog:server=127.0.0.1:" + std::to_string(s.logPort) + ",tag=lblab,nohostname lblab;");
    else
        out.add("    access_log off;");
    out.blank();
}

/// The balancing directive of `policy` (empty for NGINX's default weighted round robin).
std::string balancingDirective(const EngineSetup& s)
{
    const std::string& p = s.policy;
    if (p == "random")
        return "random;";
    if (p == "power-of-two")
        return "random two least_conn;";
    if (p == "least-connections")
        return "least_conn;";
    if (p == "ip-hash")
        return "hash $remote_addr;";
    if (p == "url-hash")
        return "hash $request_uri;";
    if (p == "consistent-hash")
        return "hash " + nginxHashKeyOf(s.hashKey).variable + " consistent;";
    return {};
}

std::string balancingComment(const EngineSetup& s)
{
    const std::string& p = s.policy;
    if (p == "round-robin")
        return "round robin: NGINX's default, each request to the next server in turn (all weights equal)";
    if (p == "weighted-round-robin")
        return "weighted round robin: NGINX's default, turns in proportion to each server's weight";
    if (p == "random")
        return "random: one server drawn at random for each request";
    if (p == "power-of-two")
        return "power of two choices: draw two servers at random, keep the one with fewer connections";
    if (p == "least-connections")
        return "least connections: the server with the fewest active connections";
    if (p == "ip-hash")
        return "IP hash: the full client address picks the server (ip_hash would use only its first three octets)";
    if (p == "url-hash")
        return "URL hash: the whole request target (path and query) picks the server";
    if (p == "consistent-hash")
        return "consistent hash: " + nginxHashKeyOf(s.hashKey).words +
               " picks a point on a ring of the servers (ketama); a change moves only the clients next to it";
    if (p == "geo")
        return "geo fallback: all servers in turn, for requests that name no known region";
    return {};
}

struct Member {
    const EngineBackend* backend;
    bool backup = false; ///< geo: a server of another region, used only when the region's are all unavailable
};

void writeUpstream(ConfigLines& out, const EngineSetup& s, std::string_view name, const std::vector<Member>& members,
                   bool balancing, bool highlightBackups)
{
    out.add("    upstream " + std::string(name) + " {", balancing && s.policy == "round-robin");
    if (balancing) {
        out.add("        # " + balancingComment(s));
        if (const std::string directive = balancingDirective(s); !directive.empty())
            out.policy("        " + directive);
    }
    const long long failSeconds = std::max(1LL, static_cast<long long>(std::ceil(s.healthCheck.intervalSeconds)));
    const bool weighted = ConfigWords::usesWeights(s.policy);
    for (const Member& m : members) {
        const EngineBackend& b = *m.backend;
        const bool down = b.down || b.draining || b.weight <= 0;
        if (b.down)
            out.add("        # " + b.name + " is down: marked down, it gets no traffic");
        else if (down)
            out.add("        # " + b.name + " is draining: NGINX has no weight 0, so it is marked down "
                    "(its clients move too)");
        const int weight = weighted ? std::clamp(b.weight, 1, 256) : 1;
        std::string line = "        server " + endpoint(b.address, b.port) + " weight=" + std::to_string(weight) +
                           " max_fails=1 fail_timeout=" + std::to_string(failSeconds) + "s";
        if (m.backup)
            line += " backup";
        if (down)
            line += " down";
        line += "; # " + b.name + (b.region.empty() ? "" : " (" + b.region + ")");
        out.add(line, (balancing && s.policy == "weighted-round-robin") || (m.backup && highlightBackups));
    }
    if (members.empty()) {
        out.add("        # no servers: a placeholder that takes no traffic (an upstream needs one)");
        out.add("        server 127.0.0.1:9 down;");
    }
    out.add("        keepalive 32;");
    out.add("    }");
    out.blank();
}

std::string regexLiteral(std::string_view s)
{
    std::string out;
    for (char c : s) {
        if (c == '.')
            out += "[.]";
        else
            out.push_back(c);
    }
    return out;
}

void writeGeoMaps(ConfigLines& out, const EngineSetup& s, const std::vector<std::string>& regions)
{
    const std::string source = "\"$http_x_region|$arg_loc|$arg_region\"";
    out.add("    # geo: the region asked for (the X-Region header, else ?loc=, else ?region=) picks its upstream;");
    out.add("    # no region, or one without servers: all servers");
    out.policy("    map " + source + " $lblab_upstream {");
    out.policy("        default " + std::string(kAllUpstream) + ";");
    const char* positions[] = {"^", "^[|]", "^[|][|]"};
    const char* ends[] = {"[|]", "[|]", "$"};
    for (int i = 0; i < 3; ++i)
        for (const auto& r : regions)
            out.policy(std::string("        \"~*") + positions[i] + regexLiteral(r) + ends[i] + "\" " +
                       std::string(kAllUpstream) + "_" + r + ";");
    out.policy("    }");
    out.add("    # the key in the log: the region asked for");
    out.add("    map " + source + " $lblab_key {");
    out.add("        default -;");
    out.add("        \"~^(?<lblab_region_header>[^|[:space:]]+)[|]\" $lblab_region_header;");
    out.add("        \"~^[|](?<lblab_region_loc>[^|[:space:]]+)[|]\" $lblab_region_loc;");
    out.add("        \"~^[|][|](?<lblab_region_param>[^|[:space:]]+)$\" $lblab_region_param;");
    out.add("    }");
    out.add("    # why, in the log: geo when a server of the region answered, else geo-fallback");
    out.add("    map \"$lblab_upstream|$upstream_http_x_backend\" $lblab_why {");
    out.add("        default " + ConfigWords::why(DecisionKind::GeoFallback) + ";");
    for (const auto& r : regions)
        for (const auto& b : s.backends)
            if (ConfigWords::lower(b.region) == r)
                out.add("        \"" + std::string(kAllUpstream) + "_" + r + "|" + b.name + "\" " +
                        ConfigWords::why(DecisionKind::Geo) + ";");
    out.add("    }");
    out.blank();
}

DecisionKind staticWhy(std::string_view p)
{
    if (p == "weighted-round-robin")
        return DecisionKind::WeightedRoundRobin;
    if (p == "random")
        return DecisionKind::Random;
    if (p == "power-of-two")
        return DecisionKind::PowerOfTwo;
    if (p == "least-connections")
        return DecisionKind::LeastConnections;
    if (p == "ip-hash" || p == "url-hash" || p == "consistent-hash")
        return DecisionKind::Hash;
    return DecisionKind::RoundRobin;
}

std::string keyVariableOf(const EngineSetup& s)
{
    if (s.policy == "ip-hash")
        return "$remote_addr";
    if (s.policy == "url-hash")
        return "$request_uri";
    if (s.policy == "consistent-hash")
        return nginxHashKeyOf(s.hashKey).variable;
    return {};
}

void writeServer(ConfigLines& out, const EngineSetup& s, bool geo)
{
    out.add("    server {");
    out.add("        listen " + endpoint(s.listenAddress, s.listenPort) + ";");
    out.add("        client_header_timeout " + ConfigWords::duration(s.clientTimeoutSeconds) + ";");
    out.add("        client_body_timeout " + ConfigWords::duration(s.clientTimeoutSeconds) + ";");
    out.add("        keepalive_timeout " + ConfigWords::duration(s.clientTimeoutSeconds) + ";");
    if (!geo)
        out.add("        set $lblab_why " + ConfigWords::why(staticWhy(s.policy)) + ";");
    out.add("        location / {");
    if (geo)
        out.policy("            proxy_pass http://$lblab_upstream;");
    else
        out.add("            proxy_pass http://" + std::string(kAllUpstream) + ";");
    out.add("            # keep-alive to the servers: HTTP/1.1 without \"Connection: close\"");
    out.add("            proxy_http_version 1.1;");
    out.add("            proxy_set_header Connection \"\";");
    out.add("            proxy_set_header Host $host;");
    out.add("            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;");
    out.add("            # a failed attempt is retried on the next server (idempotent requests only)");
    out.add("            proxy_next_upstream error timeout http_502 http_503;");
    out.add("            proxy_next_upstream_tries " + std::to_string(std::max(0, s.retries) + 1) + ";");
    out.add("            proxy_connect_timeout " + ConfigWords::duration(s.connectTimeoutSeconds) + ";");
    out.add("            proxy_read_timeout " + ConfigWords::duration(s.serverTimeoutSeconds) + ";");
    out.add("            proxy_send_timeout " + ConfigWords::duration(s.serverTimeoutSeconds) + ";");
    out.add("        }");
    out.add("    }");
}

} // namespace

GeneratedConfig NginxConfig::generate(const EngineSetup& s)
{
    const EngineSupport support = EngineCatalog::support(EngineKind::Nginx, s.policy);
    if (!support.supported)
        throw std::invalid_argument(support.reason);
    const PolicyDescriptor* descriptor = PolicyCatalog::find(s.policy);
    ConfigWords::requireAddress(kNginx, "listen address", s.listenAddress);
    for (const auto& b : s.backends) {
        ConfigWords::requireToken(kNginx, "backend name", b.name);
        ConfigWords::requireAddress(kNginx, "backend address", b.address);
    }
    const bool geo = s.policy == "geo";
    const std::vector<std::string> regions = geo ? ConfigWords::regionsOf(kNginx, s) : std::vector<std::string>{};
    const std::string run = s.runDir.string();

    ConfigLines out;
    out.add("# Generated by LB Lab for the policy \"" + s.policy + "\" (" +
            (descriptor ? descriptor->name : s.policy) + ").");
    out.add("# NGINX 1.22 (open source); the lab runs it as: nginx -p " + run + " -c " +
            EnginePaths::config(s, EngineKind::Nginx).string() + " -e stderr");
    out.add("# The lab rewrites this file whenever the setup changes.");
    out.blank();
    out.add("# in the foreground, as the lab's child; one worker, so counters (least_conn, random) are exact");
    out.add("daemon off;");
    out.add("master_process on;");
    out.add("worker_processes 1;");
    out.add("pid " + EnginePaths::pidFile(s).string() + ";");
    out.add("error_log stderr warn;");
    out.blank();
    out.add("events {");
    out.add("    worker_connections " + std::to_string(std::max(1, s.maxConnections)) + ";");
    out.add("}");
    out.blank();
    out.add("http {");
    out.add("    # every temporary file inside the lab's private folder, never /var/lib/nginx");
    for (const char* kind : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
        out.add("    " + std::string(kind) + "_temp_path " + (s.runDir / (std::string(kind) + "_temp")).string() + ";");
    out.blank();
    if (geo)
        writeGeoMaps(out, s, regions);
    writeLogging(out, s, geo ? std::string() : keyVariableOf(s), geo);

    std::vector<Member> all;
    for (const auto& b : s.backends)
        all.push_back({&b, false});
    out.add("    # every server; NGINX open source has no active health checks: a server that fails an attempt");
    out.add("    # is skipped for fail_timeout");
    writeUpstream(out, s, kAllUpstream, all, true, false);
    for (const auto& r : regions) {
        std::vector<Member> members;
        for (const auto& b : s.backends)
            if (ConfigWords::lower(b.region) == r)
                members.push_back({&b, false});
        for (const auto& b : s.backends)
            if (ConfigWords::lower(b.region) != r)
                members.push_back({&b, true});
        out.add("    # region " + r + ": its servers in turn; the others are backups, used only when none of");
        out.add("    # the region's is available");
        writeUpstream(out, s, std::string(kAllUpstream) + "_" + r, members, false, true);
    }
    writeServer(out, s, geo);
    out.add("}");
    return out.finish("nginx.conf");
}

} // namespace lblab
