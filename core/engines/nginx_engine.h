#pragma once

#include "core/engines/outside_engine.h"

namespace lblab {

/// A real NGINX 1.22 (open source) as the lab's balancer: started in the foreground on a generated
/// configuration; every change is a rewrite of that file and a reload (SIGHUP to the master). NGINX
/// open source has no runtime API and no active health checks: a failed backend is skipped for
/// `fail_timeout` after a failed request, which it does not report, so the cards show what the lab
/// asked for (up unless removed or marked down).
class NginxEngine : public OutsideEngine {
public:
    NginxEngine(EngineSetup setup, Capture& capture);
    ~NginxEngine() override;

protected:
    GeneratedConfig generate(const EngineSetup& setup) const override;
    std::vector<std::string> checkCommand(const std::filesystem::path& program,
                                          const std::filesystem::path& config) const override;
    std::vector<std::string> runCommand(const std::filesystem::path& program,
                                        const std::filesystem::path& config) const override;
    void reload() override;
    std::string reloadEffect(bool policyChanged) const override;
};

} // namespace lblab
