#pragma once

#include "core/balancer_engine.h"
#include "core/engines/engine_setup.h"
#include "core/engines/generated_config.h"

#include <memory>
#include <vector>

namespace lblab {

class Capture;
struct LabConfig;

/// Makes the balancer engine a run of `config` uses, recording into `capture` (which outlives
/// it): the one place engines are chosen. The builtin proxy (Balancer) gets the configuration's
/// address, threads, policy, seed and health checks; HAProxy and NGINX get the same as an
/// EngineSetup (engineSetupFor). Throws std::runtime_error for an unknown policy, or one the
/// chosen engine does not have (naming the engine and why).
std::unique_ptr<BalancerEngine> makeBalancerEngine(const LabConfig& config, Capture& capture);

/// The setup an outside engine would run `config` from, without backends, folder or ports.
EngineSetup engineSetupFor(const LabConfig& config);

/// The configuration `kind` would run for `config` with `backends` (those of a running lab, or
/// none: then the configuration's servers at placeholder ports 8001, 8002, ...), listening on
/// the configuration's address and port (8080 when it asks for any free port). Throws
/// std::invalid_argument when `kind` has no such policy; empty for the builtin engine.
GeneratedConfig engineConfigurationFor(EngineKind kind, const LabConfig& config,
                                       const std::vector<BalancerBackend>& backends);

} // namespace lblab
