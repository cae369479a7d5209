#include "core/lab/engine_factory.h"

#include "core/config/lab_config.h"
#include "core/engines/engine_catalog.h"
#include "core/engines/engine_error.h"
#include "core/engines/haproxy_config.h"
#include "core/engines/haproxy_engine.h"
#include "core/engines/nginx_config.h"
#include "core/engines/nginx_engine.h"
#include "core/proxy/balancer.h"

#include <algorithm>
#include <stdexcept>

#include <sys/resource.h>

namespace lblab {

namespace {

constexpr std::uint16_t kPreviewListenPort = 8080;
constexpr std::uint16_t kPreviewFirstBackendPort = 8001;

} // namespace

EngineSetup engineSetupFor(const LabConfig& config)
{
    EngineSetup s;
    s.policy = config.policy;
    s.listenAddress = config.listenAddress;
    s.listenPort = config.listenPort;
    s.healthCheck = {config.healthCheck.intervalSeconds, config.healthCheck.rise, config.healthCheck.fall,
                     config.healthCheck.timeoutSeconds};
    const PolicyOptions& o = config.policyOptions;
    s.cookieName = o.cookieName;
    s.sessionCookieName = o.sessionCookieName;
    s.urlParam = o.urlParam;
    s.tableTtlSeconds = o.tableTtlSeconds;
    s.tableCapacity = o.tableCapacity;
    s.boundedLoad = o.boundedLoad;
    s.hashKey = o.hashKey;
    // HAProxy needs two descriptors per connection (client and server side) and refuses to start
    // when maxconn cannot fit under the open-files limit it may raise itself to (the hard limit).
    rlimit files{};
    if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_max != RLIM_INFINITY)
        s.maxConnections = static_cast<int>(std::clamp<rlim_t>((files.rlim_max - 200) / 2, 100,
                                                               static_cast<rlim_t>(s.maxConnections)));
    return s;
}

std::unique_ptr<BalancerEngine> makeBalancerEngine(const LabConfig& config, Capture& capture)
{
    if (config.engine != EngineKind::Builtin) {
        if (const EngineSupport support = EngineCatalog::support(config.engine, config.policy); !support.supported)
            throw EngineError(std::string(EngineCatalog::displayName(config.engine)) + ": " + support.reason);
        if (config.engine == EngineKind::Haproxy)
            return std::make_unique<HaproxyEngine>(engineSetupFor(config), capture);
        return std::make_unique<NginxEngine>(engineSetupFor(config), capture);
    }
    Balancer::Options options;
    options.listenAddress = config.listenAddress;
    options.listenPort = config.listenPort;
    options.ioThreads = config.ioThreads;
    options.policy = config.policy;
    options.policyOptions = config.policyOptions;
    options.policyOptions.seed = config.seed;
    options.healthCheck = config.healthCheck;
    return std::make_unique<Balancer>(options, capture);
}

GeneratedConfig engineConfigurationFor(EngineKind kind, const LabConfig& config,
                                       const std::vector<BalancerBackend>& backends)
{
    if (kind == EngineKind::Builtin)
        return {};
    EngineSetup s = engineSetupFor(config);
    if (s.listenPort == 0)
        s.listenPort = kPreviewListenPort;
    s.logPort = 5514;
    s.peersPort = 10000;
    s.runDir = "/tmp/lblab-" + std::string(EngineCatalog::id(kind));
    if (backends.empty()) {
        std::uint16_t port = kPreviewFirstBackendPort;
        for (const BackendSpec& spec : config.servers)
            s.backends.push_back({spec.name, spec.region, spec.weight, "127.0.0.1", port++, false, false});
    } else {
        for (const BalancerBackend& b : backends)
            s.backends.push_back({b.info.name, b.info.region, b.info.weight, b.endpoint.address().to_string(),
                                  b.endpoint.port(), b.info.draining, b.info.removed});
    }
    return kind == EngineKind::Haproxy ? HaproxyConfig::generate(s) : NginxConfig::generate(s);
}

} // namespace lblab
