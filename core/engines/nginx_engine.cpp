#include "core/engines/nginx_engine.h"

#include "core/engines/nginx_config.h"

#include <signal.h>

namespace lblab {

NginxEngine::NginxEngine(EngineSetup setup, Capture& capture)
    : OutsideEngine(EngineKind::Nginx, std::move(setup), capture)
{
}

NginxEngine::~NginxEngine()
{
    stop();
}

GeneratedConfig NginxEngine::generate(const EngineSetup& setup) const
{
    return NginxConfig::generate(setup);
}

std::vector<std::string> NginxEngine::checkCommand(const std::filesystem::path& program,
                                                   const std::filesystem::path& config) const
{
    return {program.string(), "-t", "-q", "-c", config.string(), "-p", config.parent_path().string() + "/",
            "-e", "stderr"};
}

std::vector<std::string> NginxEngine::runCommand(const std::filesystem::path& program,
                                                 const std::filesystem::path& config) const
{
    return {program.string(), "-c", config.string(), "-p", config.parent_path().string() + "/", "-e", "stderr"};
}

void NginxEngine::reload()
{
    signalProgram(SIGHUP); // to the master only: it starts new workers and retires the old ones gracefully
}

std::string NginxEngine::reloadEffect(bool policyChanged) const
{
    return std::string("new workers start with a fresh round-robin position and no memory of failed servers") +
           (policyChanged ? "; a hash policy needs no memory: the same key still finds the same server" : "");
}

} // namespace lblab
