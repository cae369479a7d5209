#include "core/config/config_reader.h"

#include "core/base/ipv4.h"
#include "core/config/config_names.h"
#include "core/config/scenario_error.h"
#include "core/config/user_count.h"
#include "core/engines/engine_catalog.h"
#include "core/policies/consistent_hash.h"
#include "core/policies/policy_catalog.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace lblab {

namespace {

using namespace config_names;

using json = nlohmann::json;

// Bounds of the format; docs/scenario-format.md lists the same numbers.
constexpr double maxDurationSeconds = 7 * 24 * 3600;
constexpr double maxRequestRate = 1e6;
constexpr int maxBackends = 256;
constexpr int maxWeight = std::numeric_limits<int>::max();
constexpr int maxTimelineSteps = 10000;

const char* typeName(const json& j)
{
    switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    case json::value_t::binary: return "binary data";
    case json::value_t::discarded: return "nothing";
    default: return "a number";
    }
}

/// The value as the user wrote it, short enough for one line.
std::string shown(const json& j)
{
    std::string text = j.dump();
    if (text.size() > 40)
        text = text.substr(0, 37) + "...";
    return text;
}

std::string formatNumber(double v)
{
    std::ostringstream out;
    out << v;
    return out.str();
}

std::size_t editDistance(const std::string& a, const std::string& b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

std::string joined(const std::vector<std::string>& items)
{
    std::string out;
    for (const auto& item : items)
        out += (out.empty() ? "" : ", ") + item;
    return out;
}

/// Reads one JSON object of the scenario, knowing its field path, so that every error can say
/// exactly where it is. Unknown keys are rejected up front: a typo must not become a default.
class ObjectReader {
public:
    ObjectReader(const json& object, std::string path, const std::string& file, std::vector<std::string> known)
        : m_object(object), m_path(std::move(path)), m_file(file)
    {
        if (!m_object.is_object())
            fail({}, std::string("must be an object, got ") + typeName(m_object));
        for (const auto& [key, value] : m_object.items()) {
            if (std::find(known.begin(), known.end(), key) != known.end())
                continue;
            std::string reason = "unknown field";
            std::size_t best = 3;
            std::string suggestion;
            for (const auto& k : known) {
                const std::size_t d = editDistance(key, k);
                if (d < best) {
                    best = d;
                    suggestion = k;
                }
            }
            if (!suggestion.empty())
                reason += " (did you mean " + suggestion + "?)";
            else
                reason += " (known: " + joined(known) + ")";
            fail(key, reason);
        }
    }

    [[noreturn]] void fail(const std::string& key, const std::string& reason) const
    {
        throw ScenarioError(m_file, pathOf(key), reason);
    }

    std::string pathOf(const std::string& key) const
    {
        if (key.empty())
            return m_path;
        return m_path.empty() ? key : m_path + "." + key;
    }

    bool has(const std::string& key) const { return m_object.contains(key); }

    const json& at(const std::string& key) const { return m_object.at(key); }

    /// A number in [min, max]; `rule` says so in words ("a number >= 0").
    double number(const std::string& key, double fallback, double min, double max, const std::string& rule,
                  bool required = false) const
    {
        if (!has(key)) {
            if (required)
                fail(key, "is required (" + rule + ")");
            return fallback;
        }
        const json& v = at(key);
        if (!v.is_number())
            fail(key, "must be " + rule + ", got " + typeName(v));
        const double d = v.get<double>();
        if (!std::isfinite(d) || d < min || d > max)
            fail(key, "must be " + rule + ", got " + shown(v));
        return d;
    }

    /// A whole number in [min, max] ("3" and "3.0" both count).
    std::int64_t whole(const std::string& key, std::int64_t fallback, std::int64_t min, std::int64_t max,
                       bool required = false) const
    {
        const std::string rule = max >= std::numeric_limits<int>::max()
                                     ? "a whole number >= " + std::to_string(min)
                                     : "a whole number between " + std::to_string(min) + " and " + std::to_string(max);
        if (!has(key)) {
            if (required)
                fail(key, "is required (" + rule + ")");
            return fallback;
        }
        const json& v = at(key);
        if (!v.is_number())
            fail(key, "must be " + rule + ", got " + typeName(v));
        std::int64_t n = 0;
        if (v.is_number_unsigned()) {
            if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(max))
                fail(key, "must be " + rule + ", got " + shown(v));
            n = static_cast<std::int64_t>(v.get<std::uint64_t>());
        } else if (v.is_number_integer()) {
            n = v.get<std::int64_t>();
        } else {
            const double d = v.get<double>();
            if (!std::isfinite(d) || std::floor(d) != d || d < static_cast<double>(min) || d > static_cast<double>(max))
                fail(key, "must be " + rule + ", got " + shown(v));
            n = static_cast<std::int64_t>(d);
        }
        if (n < min || n > max)
            fail(key, "must be " + rule + ", got " + shown(v));
        return n;
    }

    std::string text(const std::string& key, const std::string& fallback, bool required = false,
                     bool nonEmpty = false) const
    {
        if (!has(key)) {
            if (required)
                fail(key, "is required (a string)");
            return fallback;
        }
        const json& v = at(key);
        if (!v.is_string())
            fail(key, std::string("must be a string, got ") + typeName(v));
        std::string s = v.get<std::string>();
        if (nonEmpty && s.empty())
            fail(key, "must not be empty");
        return s;
    }

    /// One of `choices`; returns its index.
    std::size_t choice(const std::string& key, std::size_t fallback, const std::vector<std::string>& choices,
                       bool required = false) const
    {
        const std::string rule = "one of " + joined(choices);
        if (!has(key)) {
            if (required)
                fail(key, "is required (" + rule + ")");
            return fallback;
        }
        const json& v = at(key);
        if (!v.is_string())
            fail(key, "must be " + rule + ", got " + typeName(v));
        const auto it = std::find(choices.begin(), choices.end(), v.get<std::string>());
        if (it == choices.end())
            fail(key, "must be " + rule + ", got " + shown(v));
        return static_cast<std::size_t>(it - choices.begin());
    }

    const json& array(const std::string& key, bool required) const
    {
        static const json empty = json::array();
        if (!has(key)) {
            if (required)
                fail(key, "is required (an array)");
            return empty;
        }
        const json& v = at(key);
        if (!v.is_array())
            fail(key, std::string("must be an array, got ") + typeName(v));
        return v;
    }

private:
    const json& m_object;
    std::string m_path;
    const std::string& m_file;
};

std::string policyRule()
{
    std::vector<std::string> ids;
    for (const auto& p : PolicyCatalog::all())
        ids.push_back(p.id);
    return "a policy id (" + joined(ids) + ")";
}

std::string policyId(const ObjectReader& r, const std::string& key, const std::string& fallback, bool required)
{
    if (!r.has(key) && !required)
        return fallback;
    const std::string id = r.text(key, fallback, required);
    if (!PolicyCatalog::find(id))
        r.fail(key, "unknown policy \"" + id + "\"; must be " + policyRule());
    return id;
}

EngineKind readEngine(const ObjectReader& r)
{
    if (!r.has("engine"))
        return EngineKind::Builtin;
    const std::string id = r.text("engine", {}, true);
    if (const auto kind = EngineCatalog::parse(id))
        return *kind;
    std::vector<std::string> ids;
    for (EngineKind k : EngineCatalog::all())
        ids.emplace_back(EngineCatalog::id(k));
    r.fail("engine", "unknown engine \"" + id + "\"; must be one of " + joined(ids));
}

SessionStoreKind readSessionStore(const ObjectReader& r)
{
    if (!r.has("session_store"))
        return SessionStoreKind::Local;
    const std::string id = r.text("session_store", {}, true);
    if (const auto kind = SessionStoreCatalog::parse(id))
        return *kind;
    std::vector<std::string> ids;
    for (SessionStoreKind k : SessionStoreCatalog::all())
        ids.emplace_back(SessionStoreCatalog::id(k));
    r.fail("session_store", "unknown session store \"" + id + "\"; must be one of " + joined(ids));
}

/// Refuses a policy the engine does not have, at `key` ("policy", or a timeline step's).
void requireSupported(EngineKind engine, const std::string& policy, const std::string& file, const std::string& key)
{
    if (const EngineSupport support = EngineCatalog::support(engine, policy); !support.supported)
        throw ScenarioError(file, key, std::string(EngineCatalog::displayName(engine)) + " cannot run policy \"" +
                                           policy + "\": " + support.reason);
}

PolicyOptions readPolicyOptions(const json& j, const std::string& file)
{
    ObjectReader r(j, "policy_options", file,
                   {"table_ttl_s", "table_capacity", "virtual_nodes", "bounded_load", "cookie_name",
                    "session_cookie_name", "url_param", "hash_key"});
    PolicyOptions o;
    o.tableTtlSeconds = r.number("table_ttl_s", o.tableTtlSeconds, 0.001, 365.0 * 24 * 3600, "a number > 0 (seconds)");
    o.tableCapacity = static_cast<std::size_t>(
        r.whole("table_capacity", static_cast<std::int64_t>(o.tableCapacity), 1, 10'000'000));
    o.virtualNodes = static_cast<int>(r.whole("virtual_nodes", o.virtualNodes, 1, 10000));
    o.boundedLoad = r.number("bounded_load", o.boundedLoad, 0, 100, "0 (off) or a number >= 1");
    if (o.boundedLoad > 0 && o.boundedLoad < 1)
        r.fail("bounded_load", "must be 0 (off) or a number >= 1, got " + shown(r.at("bounded_load")));
    o.cookieName = r.text("cookie_name", o.cookieName, false, true);
    o.sessionCookieName = r.text("session_cookie_name", o.sessionCookieName, false, true);
    o.urlParam = r.text("url_param", o.urlParam, false, true);
    o.hashKey = r.text("hash_key", o.hashKey, false, true);
    if (!ConsistentHashPolicy::validHashKey(o.hashKey))
        r.fail("hash_key", "must be \"source-ip\", \"url\", \"cookie:NAME\" or \"param:NAME\", got \"" + o.hashKey + "\"");
    return o;
}

HealthCheckSpec readHealthCheck(const json& j, const std::string& file)
{
    ObjectReader r(j, "health_check", file, {"interval_s", "rise", "fall", "timeout_s"});
    HealthCheckSpec h;
    h.intervalSeconds = r.number("interval_s", h.intervalSeconds, 0.01, 3600, "a number between 0.01 and 3600 (seconds)");
    h.rise = static_cast<int>(r.whole("rise", h.rise, 1, 100));
    h.fall = static_cast<int>(r.whole("fall", h.fall, 1, 100));
    h.timeoutSeconds = r.number("timeout_s", h.timeoutSeconds, 0.01, 3600, "a number between 0.01 and 3600 (seconds)");
    return h;
}

BackendSpec readBackend(const json& j, const std::string& path, const std::string& file)
{
    ObjectReader r(j, path, file,
                   {"name", "weight", "region", "service_time_ms", "service_time_model", "capacity", "queue_limit",
                    "error_rate", "address"});
    BackendSpec s;
    s.name = r.text("name", {}, true, true);
    s.externalAddress = r.text("address", {}, false, true);
    if (r.has("address") && !parseIpv4Endpoint(s.externalAddress))
        r.fail("address", "must be an IPv4 ADDRESS:PORT of a running server, such as 127.0.0.1:8081, got " +
                              shown(r.at("address")));
    s.weight = static_cast<int>(r.whole("weight", s.weight, 0, maxWeight));
    s.region = r.text("region", s.region, false, true);
    if (s.region == "mixed")
        r.fail("region", "\"mixed\" is for client groups; a server is in one region");
    s.serviceTimeMs = r.number("service_time_ms", s.serviceTimeMs, 0, 60000, "a number between 0 and 60000 (ms)");
    s.model = static_cast<ServiceTimeModel>(
        r.choice("service_time_model", static_cast<std::size_t>(s.model), serviceModels));
    s.capacity = static_cast<int>(r.whole("capacity", s.capacity, 1, 100000));
    s.queueLimit = static_cast<int>(r.whole("queue_limit", s.queueLimit, 0, 1000000));
    s.errorRate = r.number("error_rate", s.errorRate, 0, 1, "a probability between 0 and 1");
    return s;
}

ClientGroupSpec readClients(const json& j, const std::string& path, const std::string& file)
{
    ObjectReader r(j, path, file,
                   {"name", "count", "behaviour", "region", "ip_change_mean_s", "nat_group_size", "session_carrier",
                    "rate_share"});
    ClientGroupSpec g;
    g.name = r.text("name", g.name, false, true);
    g.count = static_cast<int>(r.whole("count", g.count, 0, kMaxUsers));
    g.behaviour = static_cast<ClientBehaviour>(r.choice("behaviour", static_cast<std::size_t>(g.behaviour), behaviours));
    g.region = r.text("region", g.region, false, true);
    g.ipChangeMeanSeconds =
        r.number("ip_change_mean_s", g.ipChangeMeanSeconds, 0, 1e6, "a number >= 0 (seconds; 0 = never)");
    g.natGroupSize = static_cast<int>(r.whole("nat_group_size", g.natGroupSize, 1, kMaxUsers));
    g.carrier = static_cast<SessionCarrier>(r.choice("session_carrier", static_cast<std::size_t>(g.carrier), carriers));
    g.rateShare = r.number("rate_share", g.rateShare, 0, 1e6, "a number >= 0");
    return g;
}

/// The servers as the timeline goes: which names exist at each step, which were removed.
struct BackendSet {
    std::vector<std::string> present;
    std::set<std::string> removed;

    bool has(const std::string& name) const
    {
        return std::find(present.begin(), present.end(), name) != present.end();
    }
};

TimelineStep readStep(const json& j, const std::string& path, const std::string& file, double previousAt,
                      BackendSet& servers, SessionStoreKind sessionStore)
{
    // The action decides which other fields belong; read it before rejecting unknown fields.
    if (j.is_object()) {
        json actionOnly = json::object();
        if (j.contains("action"))
            actionOnly["action"] = j.at("action");
        const ObjectReader probe(actionOnly, path, file, {"action"});
        probe.choice("action", 0, actions, true);
    }
    using A = TimelineStep::Action;
    A action = A::Note;
    std::vector<std::string> known = {"at_s", "action"};
    if (j.is_object() && j.contains("action")) {
        action = static_cast<A>(std::find(actions.begin(), actions.end(), j.at("action").get<std::string>()) -
                                actions.begin());
        switch (action) {
        case A::SwitchPolicy: known.push_back("policy"); break;
        case A::SetWeight: known.insert(known.end(), {"server", "value"}); break;
        case A::SetRate:
        case A::ChangeIps: known.push_back("value"); break;
        case A::Note: known.push_back("text"); break;
        case A::KillStore:
        case A::RestoreStore: break;
        default: known.push_back("server"); break;
        }
    }
    ObjectReader r(j, path, file, known);
    TimelineStep step;
    step.atSeconds = r.number("at_s", 0, 0, maxDurationSeconds, "a number >= 0 (seconds since start)", true);
    if (step.atSeconds < previousAt)
        r.fail("at_s", "must not be earlier than the step before it (" + formatNumber(previousAt) + " s), got " +
                           shown(r.at("at_s")));
    step.action = static_cast<A>(r.choice("action", 0, actions, true));
    const std::string when = " at " + formatNumber(step.atSeconds) + " s";

    auto existing = [&]() {
        step.target = r.text("server", {}, true, true);
        if (servers.removed.count(step.target))
            r.fail("server", "no server named \"" + step.target + "\"" + when + " (it was removed earlier)");
        if (!servers.has(step.target))
            r.fail("server", "no server named \"" + step.target + "\"" + when + " (servers then: " +
                                 joined(servers.present) + ")");
    };
    switch (step.action) {
    case A::SwitchPolicy: step.target = policyId(r, "policy", {}, true); break;
    case A::KillBackend:
    case A::RestoreBackend:
    case A::DrainBackend: existing(); break;
    case A::RemoveBackend:
        existing();
        servers.present.erase(std::find(servers.present.begin(), servers.present.end(), step.target));
        servers.removed.insert(step.target);
        break;
    case A::AddBackend:
        step.target = r.text("server", {}, true, true);
        if (servers.has(step.target) || servers.removed.count(step.target))
            r.fail("server", "a server named \"" + step.target + "\" already exists" + when +
                                 (servers.removed.count(step.target) ? " (removed names stay taken)" : ""));
        servers.present.push_back(step.target);
        break;
    case A::SetWeight:
        existing();
        step.value = static_cast<double>(r.whole("value", 0, 0, maxWeight, true));
        break;
    case A::SetRate:
        step.value = r.number("value", 0, 0, maxRequestRate, "a number between 0 and 1000000 (requests/s)", true);
        break;
    case A::ChangeIps:
        step.value = r.number("value", 1.0, 0, 1, "a fraction of the users > 0 and <= 1");
        if (step.value <= 0)
            r.fail("value", "must be a fraction of the users > 0 and <= 1, got " + shown(r.at("value")));
        break;
    case A::Note: step.text = r.text("text", {}, true, true); break;
    case A::KillStore:
    case A::RestoreStore:
        if (sessionStore != SessionStoreKind::Shared)
            r.fail("action", "\"" + actions[static_cast<std::size_t>(step.action)] +
                                 "\" needs \"session_store\": \"shared\" (only Redis is a process that can die)" + when);
        break;
    }
    return step;
}

} // namespace

LabConfig ConfigReader::read(const json& doc, const std::string& file, const std::string& defaultName)
{
    if (!doc.is_object())
        throw ScenarioError(file, {}, std::string("a scenario must be a JSON object, got ") + typeName(doc));
    ObjectReader r(doc, {}, file,
                   {"name", "title", "what_it_shows", "what_to_watch", "engine", "session_store", "policy", "duration_s", "seed",
                    "request_rate", "interval_ms", "io_threads", "listen_address", "listen_port", "policy_options",
                    "health_check", "servers", "clients", "timeline"});
    LabConfig c;
    c.preset = r.text("name", defaultName.empty() ? c.preset : defaultName, false, true);
    c.title = r.text("title", c.preset);
    c.whatItShows = r.text("what_it_shows", {});
    c.whatToWatch = r.text("what_to_watch", {});
    c.engine = readEngine(r);
    c.sessionStore = readSessionStore(r);
    c.policy = policyId(r, "policy", c.policy, false);
    requireSupported(c.engine, c.policy, file, "policy");
    c.durationSeconds =
        r.number("duration_s", c.durationSeconds, 0, maxDurationSeconds, "a number between 0 and 604800 (seconds; 0 = until stopped)");
    c.seed = static_cast<std::uint64_t>(r.whole("seed", static_cast<std::int64_t>(c.seed), 0,
                                                std::numeric_limits<std::int64_t>::max()));
    c.requestRate = r.number("request_rate", c.requestRate, 0, maxRequestRate, "a number between 0 and 1000000 (requests/s)");
    c.intervalMs = static_cast<int>(r.whole("interval_ms", c.intervalMs, 10, 60000));
    c.ioThreads = static_cast<int>(r.whole("io_threads", c.ioThreads, 1, 64));
    c.listenAddress = r.text("listen_address", c.listenAddress, false, true);
    if (!parseIpv4(c.listenAddress))
        r.fail("listen_address", "must be an IPv4 address such as 127.0.0.1, got " + shown(r.at("listen_address")));
    c.listenPort = static_cast<std::uint16_t>(r.whole("listen_port", c.listenPort, 0, 65535));
    if (r.has("policy_options"))
        c.policyOptions = readPolicyOptions(r.at("policy_options"), file);
    c.policyOptions.seed = c.seed;
    if (r.has("health_check"))
        c.healthCheck = readHealthCheck(r.at("health_check"), file);

    const json& servers = r.array("servers", true);
    if (servers.empty())
        r.fail("servers", "needs at least one server");
    if (servers.size() > static_cast<std::size_t>(maxBackends))
        r.fail("servers", "at most " + std::to_string(maxBackends) + " servers, got " + std::to_string(servers.size()));
    BackendSet set;
    for (std::size_t i = 0; i < servers.size(); ++i) {
        const std::string path = "servers[" + std::to_string(i) + "]";
        c.servers.push_back(readBackend(servers[i], path, file));
        if (set.has(c.servers.back().name))
            throw ScenarioError(file, path + ".name", "duplicate server name \"" + c.servers.back().name + "\"");
        set.present.push_back(c.servers.back().name);
    }

    const json& clients = r.array("clients", false);
    std::int64_t users = 0;
    for (std::size_t i = 0; i < clients.size(); ++i) {
        c.clients.push_back(readClients(clients[i], "clients[" + std::to_string(i) + "]", file));
        users += c.clients.back().count;
    }
    if (users > kMaxUsers)
        r.fail("clients", "at most " + std::to_string(kMaxUsers) + " users in all, got " + std::to_string(users));

    const json& timeline = r.array("timeline", false);
    if (timeline.size() > static_cast<std::size_t>(maxTimelineSteps))
        r.fail("timeline", "at most " + std::to_string(maxTimelineSteps) + " steps, got " + std::to_string(timeline.size()));
    double previousAt = 0;
    for (std::size_t i = 0; i < timeline.size(); ++i) {
        const std::string path = "timeline[" + std::to_string(i) + "]";
        c.timeline.push_back(readStep(timeline[i], path, file, previousAt, set, c.sessionStore));
        previousAt = c.timeline.back().atSeconds;
        if (c.timeline.back().action == TimelineStep::Action::SwitchPolicy)
            requireSupported(c.engine, c.timeline.back().target, file, path + ".policy");
    }
    return c;
}

} // namespace lblab
