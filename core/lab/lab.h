#pragma once

#include "core/balancer_engine.h"
#include "core/record/capture.h"
#include "core/fleet/client_fleet.h"
#include "core/config/lab_config.h"
#include "core/lab/run_summary.h"
#include "core/lab/snapshot.h"

#include <filesystem>
#include <memory>
#include <string>

namespace lblab {

/// One running lab: backends, balancer, client fleet and capture, each on its own thread(s)
/// with its own io_context. Commands are posted to the core and never block the caller for long;
/// snapshots are published about 30 times a second and read without waiting.
class Lab {
public:
    /// Prepares a lab for `config`; nothing runs until start().
    explicit Lab(LabConfig config);
    /// The same with the balancer made by `makeEngine` at start() (the lab drives it only through
    /// BalancerEngine); the one-argument form uses makeBalancerEngine.
    Lab(LabConfig config, BalancerEngineFactory makeEngine);
    /// Stops it if running.
    ~Lab();
    Lab(const Lab&) = delete;
    Lab& operator=(const Lab&) = delete;

    /// Starts backends, balancer, fleet and threads. Throws std::runtime_error with a one-line
    /// reason (e.g. "cannot listen on 127.0.0.1:8080: address already in use").
    void start();
    /// Whether snapshots are built about 30 times a second for a window (the default) or only at
    /// start, at stop and on publishNow(): a headless run has nobody to draw them. Before start().
    void setPeriodicSnapshots(bool periodic);
    /// Pauses or resumes the generated traffic (outside clients are still served).
    void setPaused(bool paused);
    /// Stops everything and joins the threads. Idempotent. Captured data stays readable.
    void stop();
    /// Idle, running, paused or stopped.
    RunState state() const;
    /// Seconds since start() (frozen at stop()).
    double elapsedSeconds() const;

    /// The latest published snapshot (never null after start()).
    std::shared_ptr<const Snapshot> snapshot() const;
    /// Builds and publishes a snapshot now (tests and the end of a run use it).
    std::shared_ptr<const Snapshot> publishNow();

    /// Switches policy live; what happens to existing pins is logged. Unknown ids are logged as errors.
    void setPolicy(const std::string& id);
    /// Kills a backend like a crash: its connections and its sessions are lost.
    void killBackend(const std::string& name);
    /// Restarts a killed backend, with no sessions.
    void restoreBackend(const std::string& name);
    /// Kills the shared session store (Redis): every session in it is lost; logged as an error
    /// when the sessions do not live in Redis.
    void killStore();
    /// Starts the shared session store again, empty.
    void restoreStore();
    /// Drains a backend (keeps pinned clients, takes no new ones) or undrains it.
    void setDraining(const std::string& name, bool draining);
    /// Changes a backend's weight.
    void setWeight(const std::string& name, int weight);
    /// Adds a backend like the existing ones; returns its name ("s4").
    std::string addBackend();
    /// Adds a backend from a spec (its name must be new).
    void addBackend(const BackendSpec& spec);
    /// Removes a backend from the set (it stops; its index stays reserved).
    void removeBackend(const std::string& name);
    /// Changes the total rate of generated requests.
    void setRequestRate(double perSecond);
    /// Slow motion: the generated users' arrivals and address changes come at `factor` (0.1..1) of
    /// their pace; the rate in force stays what it was. Logged; snapshots carry it.
    void setSpeed(double factor);
    /// Step mode on: generated requests stop coming on their own (those already sent finish) and
    /// step() lets exactly one through. Off: they flow again. Outside clients are never held.
    void setStepping(bool on);
    /// Lets exactly one generated request through, from a user drawn as an arrival would be; enters
    /// step mode first if needed (and resumes a paused run into it).
    void step();
    /// Moves a fraction (0..1] of the generated users to new source addresses now.
    void changeClientIps(double fraction);
    /// Adds a note to the event log.
    void note(const std::string& text);

    /// The balancer's URL, e.g. "http://127.0.0.1:40123/" (valid after start()).
    std::string balancerUrl() const;
    /// The port the balancer listens on (0 before start()).
    std::uint16_t balancerPort() const;
    /// The configuration the lab was made with.
    const LabConfig& config() const;
    /// The configuration in force now: the servers as they are (added ones included, removed ones
    /// left out) with their weights, the policy and rate in force, and durationSeconds set to the
    /// run's length so far. run.json's "config" is this, taken when the export runs.
    LabConfig configInForce() const;
    /// The setup as the user shaped it: the configuration the lab was made with plus the user's own
    /// commands since (policy, servers added or removed, weights, rate), without the timeline's
    /// effects (a restart replays the timeline). Save scenario and Compare start from it.
    LabConfig userSetup() const;
    /// The configuration file `engine` runs (or would run) for this lab: the running engine's own
    /// file, else the file it would write for the setup in force (policy, servers at their real
    /// ports once started). For the builtin engine, empty. When `engine` has no such policy, the text
    /// is one comment line saying why.
    GeneratedConfig engineConfiguration(EngineKind engine) const;
    /// Follows one client: from now on each snapshot carries its story ("" stops following).
    void followClient(const std::string& clientId);
    /// The run's outcome so far.
    RunSummary summary() const;
    /// The run's record.
    const Capture& capture() const;
    /// The generated users' own counters (what they sent and got back).
    FleetStats fleetStats() const;
    /// Writes events.csv, servers.csv, changes.csv and run.json into `dir` (created if needed), each written
    /// to a temporary file then renamed. Throws std::runtime_error naming the path on failure.
    void exportRun(const std::filesystem::path& dir) const;

private:
    class Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace lblab
