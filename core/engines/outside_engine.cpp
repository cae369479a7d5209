#include "core/engines/outside_engine.h"

#include "core/base/network_interfaces.h"
#include "core/engines/child_process.h"
#include "core/engines/engine_catalog.h"
#include "core/engines/engine_error.h"
#include "core/engines/engine_log_intake.h"
#include "core/engines/free_port.h"
#include "core/engines/program_lookup.h"
#include "core/engines/run_dir.h"
#include "core/lab/lab_event.h"
#include "core/policies/policy_catalog.h"
#include "core/record/capture.h"

#include <boost/asio/ip/address_v4.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <signal.h>
#include <unistd.h>
#include <sys/stat.h>

namespace lblab {

namespace {

constexpr auto kStartDeadline = std::chrono::seconds(10);
constexpr std::size_t kOutputLinesLogged = 200; ///< of the program's own output, per run
constexpr std::size_t kOutputLinesKept = 8;     ///< the last lines, for an error message

/// Quotes `word` for /bin/sh.
std::string shellQuoted(const std::string& word)
{
    std::string out = "'";
    for (char c : word) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

/// The line of a checker's output that names the problem: the first alert or error, else the first line.
std::string problemLine(const std::string& output)
{
    std::string first;
    std::size_t start = 0;
    while (start < output.size()) {
        std::size_t end = output.find('\n', start);
        if (end == std::string::npos)
            end = output.size();
        const std::string line = output.substr(start, end - start);
        start = end + 1;
        if (line.empty())
            continue;
        if (first.empty())
            first = line;
        for (const char* word : {"ALERT", "[emerg]", "[alert]", "[crit]", "error"})
            if (line.find(word) != std::string::npos)
                return line;
    }
    return first.empty() ? "no output" : first;
}

bool isAlarming(const std::string& line)
{
    for (const char* word : {"ALERT", "[emerg]", "[alert]", "[crit]"})
        if (line.find(word) != std::string::npos)
            return true;
    return false;
}

} // namespace

OutsideEngine::OutsideEngine(EngineKind kind, EngineSetup setup, Capture& capture)
    : m_kind(kind)
    , m_engineName(EngineCatalog::displayName(kind))
    , m_capture(capture)
    , m_setup(std::move(setup))
{
}

OutsideEngine::~OutsideEngine()
{
    // A subclass has already stopped (it calls stop() in its own destructor, while its poll() exists).
    stop();
}

void OutsideEngine::start()
{
    const std::string programName(EngineCatalog::programName(m_kind));
    // LBLAB_HAPROXY / LBLAB_NGINX name another build of the program (e.g. a newer HAProxy).
    const std::string override = m_kind == EngineKind::Haproxy ? "LBLAB_HAPROXY" : "LBLAB_NGINX";
    if (const char* path = std::getenv(override.c_str()); path && *path) {
        if (::access(path, X_OK) != 0)
            throw EngineError(m_engineName + ": " + override + "=" + path + " is not a program it can run");
    }
    const char* chosen = std::getenv(override.c_str());
    const auto program = chosen && *chosen ? std::optional<std::filesystem::path>(chosen) : findProgram(programName);
    if (!program)
        throw EngineError(m_engineName + ": the program '" + programName +
                                 "' is not installed (scripts/run.sh installs it; or apt-get install " +
                                 (m_kind == EngineKind::Nginx ? "nginx-light" : programName) + ")");
    m_program = *program;
    m_runDir = std::make_unique<RunDir>(RunDir::create(programName));
    m_intake = std::make_unique<EngineLogIntake>(
        m_engineName, m_capture,
        EngineLogIntake::Hooks{[this](std::string_view name) { return indexOf(name); },
                               [this] { return policyId(); }});
    {
        std::lock_guard lock(m_mutex);
        m_setup.runDir = m_runDir->path();
        m_setup.logPort = m_intake->start();
        if (m_setup.listenPort == 0)
            m_setup.listenPort = freeTcpPort(m_setup.listenAddress);
        if (m_setup.peersPort == 0)
            m_setup.peersPort = freeTcpPort("127.0.0.1");
        writeConfiguration();
    }
    const auto configPath = EnginePaths::config(m_setup, m_kind);
    std::string output;
    if (runToEnd(checkCommand(m_program, configPath), output) != 0)
        throw EngineError(m_engineName + " rejected its configuration: " + problemLine(output));

    ChildProcess::Options options;
    options.argv = runCommand(m_program, configPath);
    options.workDir = m_runDir->path();
    options.onOutput = [this](const std::string& line) { onChildOutput(line); };
    options.onExit = [this](int status) { onChildExit(status); };
    m_child = std::make_unique<ChildProcess>(std::move(options));
    m_child->start();

    const auto deadline = std::chrono::steady_clock::now() + kStartDeadline;
    const std::string dial = NetworkInterfaces::localDialAddress(m_setup.listenAddress); // 0.0.0.0: loopback
    while (!(portAccepts(dial, m_setup.listenPort, std::chrono::milliseconds(200)) && ready())) {
        if (!m_child->running() || std::chrono::steady_clock::now() > deadline) {
            const bool exited = !m_child->running();
            m_child->stop(std::chrono::milliseconds(500));
            std::lock_guard lock(m_pollMutex);
            throw EngineError(m_engineName + (exited ? " stopped at start" : " did not start listening on " +
                                     m_setup.listenAddress + ":" + std::to_string(m_setup.listenPort) + " within 10 s") +
                                     (m_lastOutput.empty() ? std::string() : ": " + m_lastOutput.back()));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    m_running = true;
    m_capture.recordLabEvent({nowUs(), LabEventKind::Note, m_engineName,
                              "running (pid " + std::to_string(m_child->pid()) + ") on " + m_setup.listenAddress +
                                  ":" + std::to_string(m_setup.listenPort) + ", files in " +
                                  m_runDir->path().string()});
    m_poller = std::thread([this] { pollLoop(); });
}

void OutsideEngine::stop()
{
    if (m_stopping.exchange(true))
        return;
    {
        std::lock_guard lock(m_pollMutex);
        m_pollWake.notify_all();
    }
    if (m_poller.joinable())
        m_poller.join();
    if (m_child)
        m_child->stop(std::chrono::milliseconds(2000));
    if (m_intake)
        m_intake->stop();
    m_running = false;
    m_runDir.reset();
}

boost::asio::ip::tcp::endpoint OutsideEngine::endpoint() const
{
    std::lock_guard lock(m_mutex);
    return {boost::asio::ip::make_address_v4(m_setup.listenAddress), m_setup.listenPort};
}

int OutsideEngine::addBackend(const std::string& name, const std::string& region, int weight,
                              const boost::asio::ip::tcp::endpoint& endpoint)
{
    int index = 0;
    {
        std::lock_guard lock(m_mutex);
        EngineBackend b;
        b.name = name;
        b.region = region;
        b.weight = std::clamp(weight, 0, 256);
        b.address = endpoint.address().to_string();
        b.port = endpoint.port();
        m_setup.backends.push_back(b);
        BackendInfo info;
        info.name = name;
        info.region = region;
        info.weight = b.weight;
        m_infos.push_back(info);
        index = static_cast<int>(m_infos.size()) - 1;
    }
    if (m_running) {
        m_capture.markTopologyChange();
        rewriteAndReload(name + " added", false);
    }
    return index;
}

void OutsideEngine::removeBackend(int index)
{
    std::string name;
    {
        std::lock_guard lock(m_mutex);
        if (index < 0 || index >= static_cast<int>(m_infos.size()) || m_infos[index].removed)
            return;
        m_infos[index].removed = true;
        m_infos[index].up = false;
        m_setup.backends[index].down = true;
        name = m_setup.backends[index].name;
    }
    m_capture.markTopologyChange();
    if (m_running)
        rewriteAndReload(name + " removed", false);
}

void OutsideEngine::setDraining(int index, bool draining)
{
    EngineBackend now;
    {
        std::lock_guard lock(m_mutex);
        if (index < 0 || index >= static_cast<int>(m_infos.size()))
            return;
        m_infos[index].draining = draining;
        m_setup.backends[index].draining = draining;
        now = m_setup.backends[index];
    }
    m_capture.markTopologyChange();
    if (m_running && !applyLive(index, now))
        rewriteAndReload(now.name + (draining ? " draining" : " no longer draining"), false);
}

void OutsideEngine::setWeight(int index, int weight)
{
    EngineBackend now;
    {
        std::lock_guard lock(m_mutex);
        if (index < 0 || index >= static_cast<int>(m_infos.size()))
            return;
        m_infos[index].weight = std::clamp(weight, 0, 256);
        m_setup.backends[index].weight = m_infos[index].weight;
        now = m_setup.backends[index];
    }
    m_capture.markTopologyChange();
    if (m_running && !applyLive(index, now))
        rewriteAndReload(now.name + " weight " + std::to_string(now.weight), false);
}

void OutsideEngine::markBackend(int index, bool up, const std::string& reason)
{
    EngineBackend now;
    {
        std::lock_guard lock(m_mutex);
        if (index < 0 || index >= static_cast<int>(m_infos.size()) || m_infos[index].removed)
            return;
        m_setup.backends[index].down = !up;
        now = m_setup.backends[index];
    }
    reportHealth(now.name, up, -1, reason);
    if (m_running && !applyLive(index, now))
        rewriteAndReload(now.name + (up ? " marked up" : " marked down"), false);
}

std::optional<PinHandover> OutsideEngine::setPolicy(const std::string& id)
{
    if (!PolicyCatalog::find(id))
        return std::nullopt;
    if (const EngineSupport support = EngineCatalog::support(m_kind, id); !support.supported) {
        m_capture.recordLabEvent({nowUs(), LabEventKind::Error, id, m_engineName + ": " + support.reason});
        return std::nullopt;
    }
    std::string from;
    std::size_t pins = 0;
    {
        std::lock_guard lock(m_mutex);
        from = m_setup.policy;
        pins = m_tableSize;
        m_setup.policy = id;
        m_table.clear();
        m_tableIndex.clear();
        m_tableSize = 0;
    }
    const PinHandover handover = from == id ? PinHandover::Kept : PinHandover::Dropped;
    if (m_running)
        rewriteAndReload("policy " + id, from != id);
    std::string detail = "from " + from + "; " + m_engineName + " reloaded";
    if (pins > 0)
        detail += "; " + std::to_string(pins) + (handover == PinHandover::Kept ? " pins kept" : " pins dropped");
    m_capture.markTopologyChange();
    m_capture.recordLabEvent({nowUs(), LabEventKind::PolicySwitched, id, detail});
    return handover;
}

std::string OutsideEngine::policyId() const
{
    std::lock_guard lock(m_mutex);
    return m_setup.policy;
}

bool OutsideEngine::policyStateful() const
{
    const PolicyDescriptor* d = PolicyCatalog::find(policyId());
    return d && d->stateful;
}

std::vector<BalancerBackend> OutsideEngine::backends() const
{
    std::lock_guard lock(m_mutex);
    std::vector<BalancerBackend> out;
    out.reserve(m_infos.size());
    for (std::size_t i = 0; i < m_infos.size(); ++i) {
        const EngineBackend& b = m_setup.backends[i];
        out.push_back({m_infos[i], {boost::asio::ip::make_address_v4(b.address), b.port}});
    }
    return out;
}

std::size_t OutsideEngine::openConnections() const
{
    return m_openConnections.load();
}

std::vector<PinEntry> OutsideEngine::table(std::size_t limit) const
{
    std::lock_guard lock(m_mutex);
    return {m_table.begin(), m_table.begin() + static_cast<std::ptrdiff_t>(std::min(limit, m_table.size()))};
}

std::size_t OutsideEngine::tableSize() const
{
    std::lock_guard lock(m_mutex);
    return m_tableSize;
}

std::vector<std::optional<PinEntry>> OutsideEngine::lookup(const std::vector<std::string>& keys) const
{
    std::lock_guard lock(m_mutex);
    std::vector<std::optional<PinEntry>> out(keys.size());
    for (std::size_t k = 0; k < keys.size(); ++k)
        if (const auto row = m_tableIndex.find(keys[k]); row != m_tableIndex.end())
            out[k] = m_table[row->second];
    return out;
}

GeneratedConfig OutsideEngine::configuration() const
{
    std::lock_guard lock(m_mutex);
    if (!m_config.text.empty())
        return m_config;
    return generate(m_setup);
}

std::uint64_t OutsideEngine::loggedRequests() const
{
    return m_intake ? m_intake->requests() : 0;
}

std::uint64_t OutsideEngine::unreadableLines() const
{
    return m_intake ? m_intake->unreadable() : 0;
}

std::uint64_t OutsideEngine::lostLines() const
{
    return m_intake ? m_intake->lost() : 0;
}

EngineSetup OutsideEngine::setupNow() const
{
    std::lock_guard lock(m_mutex);
    return m_setup;
}

void OutsideEngine::reportHealth(const std::string& name, bool up, int active, const std::string& reason)
{
    bool changed = false;
    {
        std::lock_guard lock(m_mutex);
        const int i = indexOfLocked(name);
        if (i < 0 || m_infos[i].removed)
            return;
        if (active >= 0)
            m_infos[i].active = active;
        if (m_infos[i].up != up) {
            m_infos[i].up = up;
            changed = true;
        }
    }
    if (!changed)
        return;
    m_capture.markTopologyChange();
    m_capture.recordLabEvent({nowUs(), up ? LabEventKind::BackendUp : LabEventKind::BackendDown, name,
                              m_engineName + ": " + reason});
}

void OutsideEngine::reportTable(std::vector<PinEntry> rows, std::size_t size)
{
    std::lock_guard lock(m_mutex);
    m_table = std::move(rows);
    m_tableSize = size;
    m_tableIndex.clear();
    for (std::size_t i = 0; i < m_table.size(); ++i)
        m_tableIndex.emplace(m_table[i].key, i);
}

int OutsideEngine::indexOf(std::string_view name) const
{
    std::lock_guard lock(m_mutex);
    return indexOfLocked(name);
}

int OutsideEngine::indexOfLocked(std::string_view name) const
{
    for (std::size_t i = 0; i < m_setup.backends.size(); ++i)
        if (m_setup.backends[i].name == name)
            return static_cast<int>(i);
    return -1;
}

int OutsideEngine::runToEnd(const std::vector<std::string>& argv, std::string& output)
{
    std::string command = "timeout 10";
    for (const auto& word : argv)
        command += ' ' + shellQuoted(word);
    command += " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe)
        throw std::runtime_error("cannot run " + (argv.empty() ? std::string("a checker") : argv.front()));
    std::array<char, 4096> buffer{};
    while (std::fgets(buffer.data(), static_cast<int>(buffer.size()), pipe))
        if (output.size() < 64 * 1024)
            output += buffer.data();
    const int status = ::pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

void OutsideEngine::signalProgram(int sig) const
{
    if (m_child && m_child->running())
        ::kill(m_child->pid(), sig);
}

std::int64_t OutsideEngine::nowUs() const
{
    return m_capture.sinceStartUs(Clock::now());
}

void OutsideEngine::writeConfiguration()
{
    m_config = generate(m_setup);
    const auto path = EnginePaths::config(m_setup, m_kind);
    {
        std::ofstream out(path, std::ios::trunc);
        out << m_config.text;
        if (!out.flush())
            throw std::runtime_error(m_engineName + ": cannot write " + path.string());
    }
    ::chmod(path.c_str(), 0600);
}

void OutsideEngine::rewriteAndReload(const std::string& what, bool policyChanged)
{
    std::string output;
    try {
        {
            std::lock_guard lock(m_mutex);
            writeConfiguration();
        }
        const auto path = EnginePaths::config(setupNow(), m_kind);
        if (runToEnd(checkCommand(m_program, path), output) != 0) {
            m_capture.recordLabEvent({nowUs(), LabEventKind::Error, m_engineName,
                                      "rejected the new configuration (" + what + "): " + problemLine(output)});
            return;
        }
        reload();
    } catch (const std::exception& e) {
        m_capture.recordLabEvent({nowUs(), LabEventKind::Error, m_engineName,
                                  "could not reload (" + what + "): " + e.what()});
        return;
    }
    const std::string effect = reloadEffect(policyChanged);
    m_capture.recordLabEvent({nowUs(), LabEventKind::Note, m_engineName,
                              "reloaded its configuration (" + what + ")" + (effect.empty() ? "" : ": " + effect)});
}

void OutsideEngine::pollLoop()
{
    std::unique_lock lock(m_pollMutex);
    while (!m_stopping) {
        lock.unlock();
        try {
            poll();
        } catch (const std::exception& e) {
            if (!m_stopping)
                m_capture.recordLabEvent({nowUs(), LabEventKind::Error, m_engineName, e.what()});
        }
        lock.lock();
        m_pollWake.wait_for(lock, pollInterval(), [this] { return m_stopping.load(); });
    }
}

void OutsideEngine::onChildOutput(const std::string& line)
{
    std::lock_guard lock(m_pollMutex);
    m_lastOutput.push_back(line);
    if (m_lastOutput.size() > kOutputLinesKept)
        m_lastOutput.pop_front();
    // What it says while the lab stops it (workers terminated, exiting) is the stop, not news.
    if (!m_stopping && !routineOutput(line) && m_outputLogged++ < kOutputLinesLogged)
        m_capture.recordLabEvent({nowUs(), isAlarming(line) ? LabEventKind::Error : LabEventKind::Note,
                                  m_engineName, line});
}

void OutsideEngine::onChildExit(int status)
{
    if (m_stopping || !m_running)
        return;
    std::string last;
    {
        std::lock_guard lock(m_pollMutex);
        if (!m_lastOutput.empty())
            last = ": " + m_lastOutput.back();
    }
    m_capture.recordLabEvent({nowUs(), LabEventKind::Error, m_engineName,
                              "exited unexpectedly (status " + std::to_string(status) + ")" + last});
}

} // namespace lblab
