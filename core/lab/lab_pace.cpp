#include "core/lab/lab_impl.h"

// Slow motion and single steps: the lab's pace commands, run on the control thread. The fleet holds
// or slows the generated users; the balancer and the backends run as always.

#include <algorithm>
#include <cmath>
#include <string>

namespace lblab {

namespace {

/// "1/4" for 0.25, "1x" for 1, else "0.3x".
std::string speedText(double factor)
{
    if (factor >= 0.999)
        return "1x";
    const double inverse = 1.0 / factor;
    if (std::abs(inverse - std::round(inverse)) < 0.01)
        return "1/" + std::to_string(static_cast<int>(std::lround(inverse)));
    return std::to_string(static_cast<int>(std::lround(factor * 100))) + "%";
}

} // namespace

void Lab::Impl::doSpeed(double factor)
{
    factor = std::clamp(factor, 0.1, 1.0);
    if (factor == speed)
        return;
    speed = factor;
    if (fleet)
        fleet->setSpeed(factor);
    log(LabEventKind::Note, "clients", "speed " + speedText(factor) + ": users arrive at that share of the rate");
}

void Lab::Impl::doStepping(bool on)
{
    if (on == stepping || (state != RunState::Running && state != RunState::Paused))
        return;
    const bool leavingPause = on && state == RunState::Paused;
    stepping = on;
    if (fleet)
        fleet->setStepping(on);
    if (leavingPause) {
        // A step is a way to go on: the run leaves its pause for step mode. The fleet holds its
        // arrivals for step mode first: unpaused first, an arrival due could slip out between
        // the two commands, and the step would let two requests through.
        if (fleet)
            fleet->setPaused(false);
        state = RunState::Running;
    }
    log(LabEventKind::Note, "clients",
        on ? "step mode: each step lets exactly one generated request through" : "step mode off: requests flow again");
}

void Lab::Impl::doStep()
{
    if (!fleet)
        return log(LabEventKind::Note, "clients", "no generated users to step");
    doStepping(true);
    if (stepping)
        fleet->step();
}

void Lab::Impl::noteStep(const std::string& clientId)
{
    const std::int64_t t = nowUs();
    std::uint64_t n = 0;
    {
        std::lock_guard lock(stepMutex);
        n = ++steps;
        stepClient = clientId;
        stepUs = t;
    }
    capture.recordLabEvent({t, LabEventKind::Note, clientId, "step " + std::to_string(n) + ": one request released"});
}

void Lab::Impl::fillPace(Snapshot& s) const
{
    s.speed = speed;
    s.stepping = stepping;
    std::lock_guard lock(stepMutex);
    s.steps = steps;
    s.stepClient = stepClient;
    s.stepUs = stepUs;
}

void Lab::setSpeed(double factor)
{
    m_impl->post([impl = m_impl.get(), factor] { impl->doSpeed(factor); });
}

void Lab::setStepping(bool on)
{
    m_impl->post([impl = m_impl.get(), on] { impl->doStepping(on); });
}

void Lab::step()
{
    m_impl->post([impl = m_impl.get()] { impl->doStep(); });
}

} // namespace lblab
