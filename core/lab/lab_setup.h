#pragma once

#include "core/config/lab_config.h"

#include <cstdint>
#include <mutex>
#include <string>

namespace lblab {

/// Who made a change to a running lab.
enum class ChangeOrigin : std::uint8_t {
    User,     ///< a public Lab command (the window, the command line): shapes the user's setup
    Timeline, ///< a scripted step: only the configuration in force (a restart replays the timeline)
};

/// The configuration of a running lab as it changes, kept as two values: the one in force now
/// (servers added and removed, weights, policy and rate, whoever changed them) and the user's
/// setup (the starting configuration plus the user's own commands, not the timeline's). Written
/// by the lab's control thread when a command takes effect, read from any thread (the GUI's).
class LabSetup {
public:
    /// Both values start as `initial`.
    explicit LabSetup(LabConfig initial);

    /// The policy in force became `id`.
    void policyChanged(const std::string& id, ChangeOrigin origin);
    /// A server joined the set.
    void backendAdded(const BackendSpec& spec, ChangeOrigin origin);
    /// A server left the set for good.
    void backendRemoved(const std::string& name, ChangeOrigin origin);
    /// A server's weight changed.
    void weightChanged(const std::string& name, int weight, ChangeOrigin origin);
    /// The total request rate changed.
    void rateChanged(double perSecond, ChangeOrigin origin);

    /// The timeline's next step has run (steps run in their order): its effect is in force now, so
    /// the configuration in force no longer lists it.
    void timelineStepRan();

    /// The configuration in force, with durationSeconds set to `runSeconds` (the run so far) and only
    /// the timeline steps still to come (a step that added s4 has run: s4 is among the servers).
    LabConfig inForce(double runSeconds) const;
    /// The starting configuration plus the user's own commands since.
    LabConfig userSetup() const;

private:
    static void addBackend(LabConfig& config, const BackendSpec& spec);
    static void removeBackend(LabConfig& config, const std::string& name);
    static void setWeight(LabConfig& config, const std::string& name, int weight);

    mutable std::mutex m_mutex;
    LabConfig m_inForce;
    std::size_t m_stepsRun = 0;
    LabConfig m_user;
};

} // namespace lblab
