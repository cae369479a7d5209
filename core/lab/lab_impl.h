#pragma once

// Lab's private parts, shared by lab.cpp (start, stop, snapshots, the public calls) and
// lab_commands.cpp (the commands and the timeline). Not part of the core's interface.

#include "core/lab/lab.h"

#include "core/backend/backend_server.h"
#include "core/balancer_engine.h"
#include "core/fleet/client_fleet.h"
#include "core/lab/lab_setup.h"
#include "core/store/session_store_service.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace lblab {

namespace lab_detail {

namespace asio = boost::asio;

/// A thread running one io_context until stopped.
struct IoThread {
    asio::io_context io{1};
    asio::executor_work_guard<asio::io_context::executor_type> guard{io.get_executor()};
    std::thread thread;

    void start() { thread = std::thread([this] { io.run(); }); }
    void stop()
    {
        guard.reset();
        io.stop();
        if (thread.joinable())
            thread.join();
    }
};

} // namespace lab_detail

/// Everything a running lab owns; commands run on its control thread.
class Lab::Impl {
public:
    Impl(LabConfig c, BalancerEngineFactory f)
        : config(std::move(c)), capture(captureOptions(config)), setup(config), makeEngine(std::move(f))
    {
    }

    static Capture::Options captureOptions(const LabConfig& c)
    {
        Capture::Options o;
        o.intervalMs = c.intervalMs;
        return o;
    }

    LabConfig config;
    Capture capture;
    LabSetup setup;         // the configuration in force and the user's, as commands take effect
    BalancerEngineFactory makeEngine; // makes `balancer` at start()
    std::string followed;   // the client whose story snapshots carry (control thread only)
    lab_detail::IoThread control;   // timers, commands, snapshots
    lab_detail::IoThread backendIo; // every BackendServer
    lab_detail::IoThread fleetIo;   // the ClientFleet
    std::unique_ptr<BalancerEngine> balancer; // the engine, driven through the seam only
    // Same index as in the balancer; null = outside server. Grows on the control thread under
    // backendsMutex (servers are never destroyed while the lab lives); read elsewhere under it.
    std::vector<std::unique_ptr<BackendServer>> backends;
    mutable std::mutex backendsMutex;
    std::vector<std::string> backendNames;                 // same index as in the balancer
    std::vector<bool> killed;
    std::unique_ptr<ClientFleet> fleet;
    std::unique_ptr<SessionStoreService> store; // where the backends keep sessions (Redis, a key, or nothing)
    std::unique_ptr<boost::asio::steady_timer> publishTimer;
    std::unique_ptr<boost::asio::steady_timer> intervalTimer;
    std::vector<std::unique_ptr<boost::asio::steady_timer>> timelineTimers;
    std::atomic<RunState> state{RunState::Idle};
    TimePoint startedAt{};
    std::atomic<std::int64_t> stoppedAfterUs{-1};
    std::atomic<double> requestRate{0};
    std::uint64_t sequence = 0;
    TimePoint nextIntervalEnd{};
    std::string url;
    std::mutex namesMutex;
    std::set<std::string> names; // every server name used or reserved

    bool periodicSnapshots = true; // false: snapshots only at start, stop and publishNow() (a headless run)
    mutable std::mutex snapshotMutex;
    std::shared_ptr<const Snapshot> latest;

    void start();
    void stop();
    std::int64_t nowUs() const { return capture.sinceStartUs(Clock::now()); }
    void log(LabEventKind kind, const std::string& subject, const std::string& detail)
    {
        capture.recordLabEvent({nowUs(), kind, subject, detail});
    }
    int indexOf(const std::string& name) const
    {
        for (std::size_t i = 0; i < backendNames.size(); ++i)
            if (backendNames[i] == name)
                return static_cast<int>(i);
        return -1;
    }
    void startBackend(const BackendSpec& spec); ///< starts (or connects to) one backend and adds it to the engine
    std::vector<BackendGauge> gauges() const;
    std::shared_ptr<const Snapshot> buildSnapshot();
    void publish(std::shared_ptr<const Snapshot> s)
    {
        std::lock_guard lock(snapshotMutex);
        latest = std::move(s);
    }
    void schedulePublish();
    void scheduleInterval();
    void scheduleTimeline();
    void runStep(const TimelineStep& step);

    /// Runs `f` on the control thread (commands keep their order; the caller never waits).
    template <typename F>
    void post(F&& f)
    {
        boost::asio::post(control.io, std::forward<F>(f));
    }

    // Commands, on the control thread; `origin` says whose they are (the user's setup keeps only
    // the user's). Each change to the lab restarts the capture's since-the-change counters.
    void doSetPolicy(const std::string& id, ChangeOrigin origin);
    void doKill(const std::string& name);
    void doRestore(const std::string& name);
    void doDrain(const std::string& name, bool draining);
    void doWeight(const std::string& name, int weight, ChangeOrigin origin);
    void doAdd(const BackendSpec& spec, ChangeOrigin origin);
    void doRemove(const std::string& name, ChangeOrigin origin);
    void doRate(double rate, ChangeOrigin origin);
    void doChangeIps(double fraction);
    void doKillStore();
    void doRestoreStore();
    void doSpeed(double factor);
    void doStepping(bool on);
    void doStep();
    void noteStep(const std::string& clientId); ///< on the fleet's thread: a step released this user's request
    void fillPace(Snapshot& s) const;            ///< speed and step mode, into a snapshot

    double speed = 1;        // slow motion factor (control thread)
    bool stepping = false;   // step mode (control thread)
    mutable std::mutex stepMutex; // guards the last step's facts, written on the fleet's thread
    std::uint64_t steps = 0;
    std::string stepClient;
    std::int64_t stepUs = -1;
    void changed(const std::string& what) { capture.markChange(nowUs(), what); }
};

} // namespace lblab
