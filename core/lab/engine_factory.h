#pragma once

#include "core/balancer_engine.h"

#include <memory>

namespace lblab {

class Capture;
struct LabConfig;

/// Makes the balancer engine a run of `config` uses, recording into `capture` (which outlives
/// it): the one place engines are chosen. Today there is one, the builtin proxy (Balancer) with
/// the configuration's address, threads, policy, seed and health checks; a real HAProxy or NGINX
/// engine will be chosen here too. Throws std::runtime_error for an unknown policy.
std::unique_ptr<BalancerEngine> makeBalancerEngine(const LabConfig& config, Capture& capture);

} // namespace lblab
