#include "core/engines/haproxy_engine.h"

#include "core/engines/haproxy_answers.h"
#include "core/engines/haproxy_config.h"
#include "core/engines/haproxy_runtime_api.h"

#include <algorithm>
#include <stdexcept>
#include <thread>

namespace lblab {

namespace {

constexpr const char* kBackend = "be_lab";
constexpr std::size_t kTableRowsKept = 10000;
constexpr auto kReloadDeadline = std::chrono::seconds(5);

bool keepsTable(std::string_view policy)
{
    return policy == "source-ip-affinity" || policy == "session-affinity" || policy == "url-param-affinity";
}

/// Whether HAProxy's status column means the server takes traffic ("UP", "UP 1/2", "DRAIN", "NOLB",
/// "no check"); "DOWN", "DOWN 1/2" (going up), "MAINT" do not.
bool servesTraffic(const std::string& status)
{
    return status.rfind("UP", 0) == 0 || status == "DRAIN" || status == "NOLB" || status == "no check";
}

std::string healthReason(const HaproxyServerStat& s)
{
    if (s.status == "MAINT")
        return "in maintenance";
    if (servesTraffic(s.status))
        return "health checks pass (" + s.status + ")";
    return "health check failed (" + (s.checkStatus.empty() ? s.status : s.checkStatus) + ")";
}

/// The number after "Name: " at the start of a line of `show info`'s answer (0 when absent).
long infoField(const std::string& info, std::string_view name)
{
    const std::string key = std::string(name) + ": ";
    for (std::size_t at = info.find(key); at != std::string::npos; at = info.find(key, at + 1))
        if (at == 0 || info[at - 1] == '\n')
            return std::strtol(info.c_str() + at + key.size(), nullptr, 10);
    return 0;
}

} // namespace

HaproxyEngine::HaproxyEngine(EngineSetup setup, Capture& capture)
    : OutsideEngine(EngineKind::Haproxy, std::move(setup), capture)
{
}

HaproxyEngine::~HaproxyEngine()
{
    stop();
}

GeneratedConfig HaproxyEngine::generate(const EngineSetup& setup) const
{
    return HaproxyConfig::generate(setup);
}

std::vector<std::string> HaproxyEngine::checkCommand(const std::filesystem::path& program,
                                                     const std::filesystem::path& config) const
{
    return {program.string(), "-c", "-q", "-f", config.string()};
}

std::vector<std::string> HaproxyEngine::runCommand(const std::filesystem::path& program,
                                                   const std::filesystem::path& config) const
{
    const auto master = EnginePaths::masterSocket(setupNow());
    return {program.string(), "-W", "-S", master.string() + ",mode,600", "-f", config.string()};
}

bool HaproxyEngine::ready() const
{
    return workerPid() != 0;
}

long HaproxyEngine::workerPid() const
{
    try {
        HaproxyRuntimeApi api(EnginePaths::statsSocket(setupNow()), std::chrono::milliseconds(300));
        return infoField(api.command("show info"), "Pid");
    } catch (const std::exception&) {
        return 0;
    }
}

void HaproxyEngine::reload()
{
    const long before = workerPid();
    reloadThroughMaster(EnginePaths::masterSocket(setupNow()));
    const auto deadline = std::chrono::steady_clock::now() + kReloadDeadline;
    for (;;) {
        const long now = workerPid();
        if (now != 0 && now != before)
            return;
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error("no new worker answered within 5 s of the reload");
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::string HaproxyEngine::reloadEffect(bool policyChanged) const
{
    const std::string policy = policyId();
    std::string effect = "a new worker took over; the old one finishes its requests";
    if (keepsTable(policy))
        effect += policyChanged ? "; the new stick table starts empty"
                                : "; the stick table came over through the local peers section";
    else if (policy == "cookie-affinity")
        effect += policyChanged ? "; each client gets its server's cookie with its next answer"
                                : "; pins survive anyway: each client carries its server in its cookie";
    else
        effect += "; the rotation and connection counts start afresh";
    return effect;
}

bool HaproxyEngine::routineOutput(const std::string& line) const
{
    // A reload's old worker reports each proxy stopping, then exiting; the reload's own note says it.
    return line.find("stopped (cumulated conns") != std::string::npos ||
           line.find("Former worker") != std::string::npos || line.find("[NOTICE]") != std::string::npos;
}

bool HaproxyEngine::applyLive(int /*index*/, const EngineBackend& now)
{
    const EngineSetup setup = setupNow();
    HaproxyRuntimeApi api(EnginePaths::statsSocket(setup));
    std::vector<std::string> proxies{kBackend};
    if (setup.policy == "geo")
        proxies.push_back("be_" + now.region);
    const std::string state = now.down ? "maint" : now.draining ? "drain" : "ready";
    for (const auto& proxy : proxies) {
        const std::string server = proxy + "/" + now.name;
        const std::string stateAnswer = api.command("set server " + server + " state " + state);
        const std::string weightAnswer = api.command("set server " + server + " weight " + std::to_string(now.weight));
        for (const std::string* answer : {&stateAnswer, &weightAnswer})
            if (answer->find_first_not_of(" \r\n") != std::string::npos && proxy == kBackend)
                throw std::runtime_error("HAProxy refused a change of " + server + ": " + *answer);
    }
    return true;
}

void HaproxyEngine::poll()
{
    const EngineSetup setup = setupNow();
    HaproxyRuntimeApi api(EnginePaths::statsSocket(setup), std::chrono::milliseconds(500));
    for (const HaproxyServerStat& s : parseShowStat(api.command("show stat"))) {
        if (s.proxy != kBackend)
            continue;
        reportHealth(s.server, servesTraffic(s.status), static_cast<int>(s.current), healthReason(s));
    }
    reportConnections(static_cast<std::size_t>(std::max(0L, infoField(api.command("show info"), "CurrConns"))));
    if (keepsTable(setup.policy) && m_polls % 3 == 0) // about 2 Hz
        pollTable(setup);
    ++m_polls;
}

void HaproxyEngine::pollTable(const EngineSetup& setup)
{
    HaproxyRuntimeApi api(EnginePaths::statsSocket(setup), std::chrono::milliseconds(1000));
    auto rows = parseShowTable(api.command(std::string("show table ") + kBackend));
    const std::size_t size = rows.size();
    // The most recently used first: HAProxy renews a row's expiry on every use.
    std::sort(rows.begin(), rows.end(),
              [](const HaproxyTableRow& a, const HaproxyTableRow& b) { return a.expireMs > b.expireMs; });
    if (rows.size() > kTableRowsKept)
        rows.resize(kTableRowsKept);
    const TimePoint now = Clock::now();
    const auto ttl = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(setup.tableTtlSeconds));
    std::vector<PinEntry> pins;
    pins.reserve(rows.size());
    for (const HaproxyTableRow& r : rows) {
        PinEntry e;
        e.key = r.key;
        e.backend = !r.serverKey.empty() ? indexOf(r.serverKey) : r.serverId - 1;
        e.expires = now + std::chrono::milliseconds(r.expireMs);
        e.lastUsed = e.expires - ttl;
        e.created = e.lastUsed; // HAProxy keeps no creation time: the age shown is the idle time
        e.hits = r.requests > 0 ? static_cast<std::uint64_t>(r.requests - 1) : 0; // the first made the pin
        pins.push_back(std::move(e));
    }
    reportTable(std::move(pins), size);
}

} // namespace lblab
