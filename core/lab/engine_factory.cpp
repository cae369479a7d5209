#include "core/lab/engine_factory.h"

#include "core/config/lab_config.h"
#include "core/proxy/balancer.h"

namespace lblab {

std::unique_ptr<BalancerEngine> makeBalancerEngine(const LabConfig& config, Capture& capture)
{
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

} // namespace lblab
