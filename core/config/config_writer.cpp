#include "core/config/config_writer.h"

#include "core/config/config_names.h"
#include "core/engines/engine_catalog.h"

namespace lblab {

using namespace config_names;
using ojson = nlohmann::ordered_json;

nlohmann::ordered_json ConfigWriter::toJson(const LabConfig& c)
{
    ojson doc;
    doc["name"] = c.preset;
    doc["title"] = c.title;
    doc["what_it_shows"] = c.whatItShows;
    doc["what_to_watch"] = c.whatToWatch;
    doc["engine"] = std::string(EngineCatalog::id(c.engine));
    doc["session_store"] = std::string(SessionStoreCatalog::id(c.sessionStore));
    doc["policy"] = c.policy;
    doc["duration_s"] = c.durationSeconds;
    doc["seed"] = c.seed;
    doc["request_rate"] = c.requestRate;
    doc["interval_ms"] = c.intervalMs;
    doc["io_threads"] = c.ioThreads;
    doc["listen_address"] = c.listenAddress;
    doc["listen_port"] = c.listenPort;
    const PolicyOptions& o = c.policyOptions;
    doc["policy_options"] = {{"table_ttl_s", o.tableTtlSeconds},   {"table_capacity", o.tableCapacity},
                             {"virtual_nodes", o.virtualNodes},     {"bounded_load", o.boundedLoad},
                             {"cookie_name", o.cookieName},         {"session_cookie_name", o.sessionCookieName},
                             {"url_param", o.urlParam},             {"hash_key", o.hashKey}};
    const HealthCheckSpec& h = c.healthCheck;
    doc["health_check"] = {{"interval_s", h.intervalSeconds}, {"rise", h.rise}, {"fall", h.fall},
                           {"timeout_s", h.timeoutSeconds}};
    doc["servers"] = ojson::array();
    for (const auto& s : c.servers) {
        if (!s.externalAddress.empty()) { // a server the lab did not start: only what the lab knows of it
            doc["servers"].push_back({{"name", s.name}, {"weight", s.weight}, {"region", s.region},
                                      {"address", s.externalAddress}});
            continue;
        }
        doc["servers"].push_back({{"name", s.name},
                                  {"weight", s.weight},
                                  {"region", s.region},
                                  {"service_time_ms", s.serviceTimeMs},
                                  {"service_time_model", serviceModels[static_cast<std::size_t>(s.model)]},
                                  {"capacity", s.capacity},
                                  {"queue_limit", s.queueLimit},
                                  {"error_rate", s.errorRate}});
    }
    doc["clients"] = ojson::array();
    for (const auto& g : c.clients)
        doc["clients"].push_back({{"name", g.name},
                                  {"count", g.count},
                                  {"behaviour", behaviours[static_cast<std::size_t>(g.behaviour)]},
                                  {"region", g.region},
                                  {"ip_change_mean_s", g.ipChangeMeanSeconds},
                                  {"nat_group_size", g.natGroupSize},
                                  {"session_carrier", carriers[static_cast<std::size_t>(g.carrier)]},
                                  {"rate_share", g.rateShare}});
    doc["timeline"] = ojson::array();
    using A = TimelineStep::Action;
    for (const auto& step : c.timeline) {
        ojson s;
        s["at_s"] = step.atSeconds;
        s["action"] = actions[static_cast<std::size_t>(step.action)];
        switch (step.action) {
        case A::SwitchPolicy: s["policy"] = step.target; break;
        case A::SetWeight:
            s["server"] = step.target;
            s["value"] = static_cast<int>(step.value);
            break;
        case A::SetRate:
        case A::ChangeIps: s["value"] = step.value; break;
        case A::Note: s["text"] = step.text; break;
        case A::KillStore:
        case A::RestoreStore: break;
        default: s["server"] = step.target; break;
        }
        doc["timeline"].push_back(std::move(s));
    }
    return doc;
}

} // namespace lblab
