#pragma once

#include "core/engines/engine_setup.h"
#include "core/engines/generated_config.h"

namespace lblab {

/// Writes a HAProxy 2.6 configuration (haproxy.cfg) for an EngineSetup: one frontend, a backend of
/// every server (plus one per region for geo), the policy's balance/stick/cookie lines, health
/// checks, and a log-format emitting the LBLAB1 line of engine_setup.h over UDP.
/// The program is meant to run as `haproxy -W -S <runDir>/master.sock -f haproxy.cfg`; the local
/// peers section names itself with `localpeer lblab`, so no `-L` is needed.
class HaproxyConfig {
public:
    /// The configuration for `setup`. Throws std::invalid_argument for an unknown policy or a name,
    /// region, address or parameter that could not be written safely into the file.
    static GeneratedConfig generate(const EngineSetup& setup);
};

} // namespace lblab
