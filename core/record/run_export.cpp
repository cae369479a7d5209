#include "core/record/run_export.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace lblab {

void RunExport::writeAtomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write)
{
    std::filesystem::path tmp = path;
    tmp += ".part";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw std::runtime_error("cannot write " + tmp.string() + ": " + std::strerror(errno));
        try {
            write(out);
            out.flush();
            if (!out)
                throw std::runtime_error("write failed (disk full?)");
        } catch (const std::exception& e) {
            out.close();
            std::error_code ignored;
            std::filesystem::remove(tmp, ignored);
            throw std::runtime_error("cannot write " + path.string() + ": " + e.what());
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        throw std::runtime_error("cannot write " + path.string() + ": " + ec.message());
    }
}

nlohmann::json RunExport::configJson(const LabConfig& c)
{
    nlohmann::json servers = nlohmann::json::array();
    for (const auto& s : c.servers) {
        if (!s.externalAddress.empty()) {
            servers.push_back({{"name", s.name}, {"weight", s.weight}, {"region", s.region}, {"address", s.externalAddress}});
            continue;
        }
        servers.push_back({{"name", s.name},
                           {"weight", s.weight},
                           {"region", s.region},
                           {"service_time_ms", s.serviceTimeMs},
                           {"service_time_model", s.model == ServiceTimeModel::Constant ? "constant" : "exponential"},
                           {"capacity", s.capacity},
                           {"queue_limit", s.queueLimit},
                           {"error_rate", s.errorRate}});
    }
    nlohmann::json clients = nlohmann::json::array();
    for (const auto& g : c.clients)
        clients.push_back({{"name", g.name},
                           {"count", g.count},
                           {"behaviour", g.behaviour == ClientBehaviour::Login ? "login" : "anonymous"},
                           {"region", g.region},
                           {"ip_change_mean_s", g.ipChangeMeanSeconds},
                           {"nat_group_size", g.natGroupSize},
                           {"session_carrier", g.carrier == SessionCarrier::UrlParam ? "url" : "cookie"},
                           {"rate_share", g.rateShare}});
    return {{"preset", c.preset},
            {"title", c.title},
            {"policy", c.policy},
            {"request_rate", c.requestRate},
            {"duration_s", c.durationSeconds},
            {"seed", c.seed},
            {"interval_ms", c.intervalMs},
            {"servers", servers},
            {"clients", clients}};
}

} // namespace lblab
