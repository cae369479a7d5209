#include "app/print_config.h"

#include "core/engines/engine_catalog.h"
#include "core/lab/engine_factory.h"

#include <ostream>
#include <stdexcept>

namespace lblab {

int printConfig(const CommandLine& commandLine, std::ostream& out, std::ostream& err)
{
    const LabConfig& config = commandLine.config;
    if (config.engine == EngineKind::Builtin) {
        out << "# The builtin engine has no configuration file: the lab's own proxy balances, with policy "
            << config.policy << ".\n"
            << "# The same setup for a real balancer: lblab --print-config --engine haproxy (or nginx)"
            << " --preset " << config.preset << " --policy " << config.policy << "\n";
        return 0;
    }
    try {
        out << engineConfigurationFor(config.engine, config, {}).text;
    } catch (const std::exception& e) {
        err << "lblab: " << EngineCatalog::displayName(config.engine) << ": " << e.what() << '\n';
        return 2;
    }
    return 0;
}

} // namespace lblab
