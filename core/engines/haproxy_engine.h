#pragma once

#include "core/engines/outside_engine.h"

#include <cstdint>

namespace lblab {

/// A real HAProxy 2.6 as the lab's balancer: started in master-worker mode (-W -S) on a generated
/// configuration, watched through its Runtime API on the stats socket (`show stat` for the cards,
/// `show table` for the session table, `show info` for connections), changed live with `set server`
/// where it can be, and reloaded through the master CLI otherwise (a local `peers` section carries
/// the stick table over a reload).
class HaproxyEngine : public OutsideEngine {
public:
    HaproxyEngine(EngineSetup setup, Capture& capture);
    ~HaproxyEngine() override;

protected:
    GeneratedConfig generate(const EngineSetup& setup) const override;
    std::vector<std::string> checkCommand(const std::filesystem::path& program,
                                          const std::filesystem::path& config) const override;
    std::vector<std::string> runCommand(const std::filesystem::path& program,
                                        const std::filesystem::path& config) const override;
    bool ready() const override;
    void reload() override;
    std::string reloadEffect(bool policyChanged) const override;
    void poll() override;
    bool applyLive(int index, const EngineBackend& now) override;
    bool routineOutput(const std::string& line) const override;

private:
    /// `show info`'s Pid of the worker answering now (0 when none answers).
    long workerPid() const;
    void pollTable(const EngineSetup& setup);

    std::uint64_t m_polls = 0;
};

} // namespace lblab
