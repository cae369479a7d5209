#pragma once

#include "core/engines/engine_setup.h"
#include "core/engines/generated_config.h"

namespace lblab {

/// Writes an NGINX 1.22 (open source) configuration (nginx.conf) for an EngineSetup: one upstream of
/// every server (plus one per region for geo), the policy's balancing directive, passive health
/// (max_fails), every temporary path inside the run folder, and a log_format emitting the LBLAB1
/// line of engine_setup.h to syslog over UDP. Meant to run as `nginx -p <runDir> -c nginx.conf -e stderr`.
class NginxConfig {
public:
    /// The configuration for `setup`. Throws std::invalid_argument for an unknown policy, one NGINX open
    /// source cannot run (the message is EngineCatalog::support's reason), or a name, region or key
    /// that could not be written safely into the file.
    static GeneratedConfig generate(const EngineSetup& setup);
};

} // namespace lblab
