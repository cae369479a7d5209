#pragma once

// What HAProxy and NGINX engines share: a real balancer program started as the lab's child, fed a
// generated configuration, its log lines read back as the capture's requests.

#include "core/balancer_engine.h"
#include "core/engines/engine_setup.h"
#include "core/engines/generated_config.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <sys/types.h>

namespace lblab {

class Capture;
class ChildProcess;
class EngineLogIntake;
class RunDir;

/// A BalancerEngine whose balancing is done by an outside program (see balancer_engine.h for the
/// contract). The base keeps the backend list, writes and checks the configuration in a private
/// folder (mode 0700), starts the program as a child that dies with the lab, sends its output to the
/// event log, reads its log lines into the capture, and polls it on its own thread. A subclass says
/// how to generate, check, start, reload and poll its program.
class OutsideEngine : public BalancerEngine {
public:
    /// `setup` carries the policy, listen address, health checks and policy parameters; ports,
    /// folder and backends are filled in by the engine.
    OutsideEngine(EngineKind kind, EngineSetup setup, Capture& capture);
    ~OutsideEngine() override;

    void start() override;
    void stop() override;
    boost::asio::ip::tcp::endpoint endpoint() const override;

    int addBackend(const std::string& name, const std::string& region, int weight,
                   const boost::asio::ip::tcp::endpoint& endpoint) override;
    void removeBackend(int index) override;
    void setDraining(int index, bool draining) override;
    void setWeight(int index, int weight) override;
    void markBackend(int index, bool up, const std::string& reason) override;

    std::optional<PinHandover> setPolicy(const std::string& id) override;
    std::string policyId() const override;
    bool policyStateful() const override;

    std::vector<BalancerBackend> backends() const override;
    std::size_t openConnections() const override;
    std::size_t idleUpstreamConnections() const override { return 0; }

    std::vector<PinEntry> table(std::size_t limit) const override;
    std::size_t tableSize() const override;
    std::vector<std::optional<PinEntry>> lookup(const std::vector<std::string>& keys) const override;

    GeneratedConfig configuration() const override;

    /// Log lines recorded as requests, lines that could not be read, and lines lost before reading.
    std::uint64_t loggedRequests() const;
    std::uint64_t unreadableLines() const;
    std::uint64_t lostLines() const;

protected:
    /// "HAProxy" or "NGINX": prefixes every message.
    const std::string& engineName() const { return m_engineName; }
    Capture& capture() const { return m_capture; }

    /// The configuration for `setup` (the subclass's generator).
    virtual GeneratedConfig generate(const EngineSetup& setup) const = 0;
    /// The command that checks the file at `config` (exit 0 = valid).
    virtual std::vector<std::string> checkCommand(const std::filesystem::path& program,
                                                  const std::filesystem::path& config) const = 0;
    /// The command that runs the program in the foreground on `config`.
    virtual std::vector<std::string> runCommand(const std::filesystem::path& program,
                                                const std::filesystem::path& config) const = 0;
    /// True once the started program serves (after its listening port accepts).
    virtual bool ready() const { return true; }
    /// Makes the running program load the configuration just written. Throws with a reason.
    virtual void reload() = 0;
    /// What a reload resets, for the event log ("" when nothing worth saying).
    virtual std::string reloadEffect(bool policyChanged) const = 0;
    /// Called on the poll thread every `pollInterval()`: read the program's state.
    virtual void poll() {}
    virtual std::chrono::milliseconds pollInterval() const { return std::chrono::milliseconds(200); }
    /// True for a line of the program's output that is routine for the lab (what an old worker says
    /// on every reload): it is not put in the event log.
    virtual bool routineOutput(const std::string& /*line*/) const { return false; }
    /// A live change through the program's own interface instead of a reload; false = reload.
    virtual bool applyLive(int /*index*/, const EngineBackend& /*now*/) { return false; }

    /// The setup in force (a copy, under the lock).
    EngineSetup setupNow() const;
    /// Sets a backend's health as the program reports it; logs BackendUp/BackendDown on a change.
    void reportHealth(const std::string& name, bool up, int active, const std::string& reason);
    /// Replaces the table rows the program reports (most recently used first).
    void reportTable(std::vector<PinEntry> rows, std::size_t size);
    /// Sets the client connections the program reports.
    void reportConnections(std::size_t open) { m_openConnections = open; }
    /// The index of the backend named `name`, -1 if none.
    int indexOf(std::string_view name) const;
    /// Runs `argv` to completion (bounded time); returns its exit status and output.
    static int runToEnd(const std::vector<std::string>& argv, std::string& output);
    /// Sends `sig` to the program itself (not its workers).
    void signalProgram(int sig) const;
    /// Microseconds since the run's start, for lab events.
    std::int64_t nowUs() const;

private:
    int indexOfLocked(std::string_view name) const; ///< indexOf with m_mutex held
    void writeConfiguration();
    void rewriteAndReload(const std::string& what, bool policyChanged);
    void pollLoop();
    void onChildOutput(const std::string& line);
    void onChildExit(int status);

    EngineKind m_kind;
    std::string m_engineName;
    Capture& m_capture;

    mutable std::mutex m_mutex;
    EngineSetup m_setup;                  ///< under m_mutex
    std::vector<BackendInfo> m_infos;     ///< under m_mutex, by index
    GeneratedConfig m_config;             ///< under m_mutex: the file the program runs
    std::vector<PinEntry> m_table;        ///< under m_mutex
    std::unordered_map<std::string, std::size_t> m_tableIndex; ///< under m_mutex: key -> row of m_table (lookup())
    std::size_t m_tableSize = 0;          ///< under m_mutex
    std::atomic<std::size_t> m_openConnections{0};

    std::filesystem::path m_program;
    std::unique_ptr<RunDir> m_runDir;
    std::unique_ptr<EngineLogIntake> m_intake;
    std::unique_ptr<ChildProcess> m_child;
    std::atomic<bool> m_running{false};
    std::atomic<bool> m_stopping{false};

    std::mutex m_pollMutex;               ///< also guards the output lines below
    std::condition_variable m_pollWake;
    std::deque<std::string> m_lastOutput;
    std::size_t m_outputLogged = 0;
    std::thread m_poller;
};

} // namespace lblab
