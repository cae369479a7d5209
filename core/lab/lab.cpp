#include "core/lab/lab_impl.h"

#include "core/lab/descriptor_budget.h"
#include "core/lab/engine_factory.h"
#include "core/base/free_memory.h"
#include "core/record/run_export.h"
#include "core/base/ipv4.h"
#include "core/base/network_interfaces.h"
#include "core/config/config_writer.h"
#include "core/config/user_count.h"
#include "core/engines/engine_catalog.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>


#include <algorithm>
#include <cmath>
#include <atomic>
#include <future>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

namespace lblab {

namespace {

namespace asio = boost::asio;

constexpr std::size_t kHistoryInSnapshot = 240;
constexpr std::size_t kLogInSnapshot = 400;
constexpr std::size_t kTableRowsInSnapshot = 1000;
constexpr auto kPublishPeriod = std::chrono::milliseconds(33);
constexpr auto kReturnMemoryPeriod = std::chrono::seconds(10);


/// The endpoint of an outside server ("ADDR:PORT", IPv4); throws std::runtime_error naming it.
asio::ip::tcp::endpoint externalEndpoint(const BackendSpec& spec)
{
    const auto endpoint = parseIpv4Endpoint(spec.externalAddress);
    if (!endpoint)
        throw std::runtime_error("server " + spec.name + ": '" + spec.externalAddress + "' is not an IPv4 ADDRESS:PORT");
    return {asio::ip::address_v4(endpoint->address), endpoint->port};
}

} // namespace


void Lab::Impl::startBackend(const BackendSpec& spec)
{
    {
        std::lock_guard lock(namesMutex);
        names.insert(spec.name);
    }
    if (!spec.externalAddress.empty()) {
        balancer->addBackend(spec.name, spec.region, spec.weight, externalEndpoint(spec));
        std::lock_guard lock(backendsMutex);
        backends.push_back(nullptr);
        backendNames.push_back(spec.name);
        killed.push_back(false);
        return;
    }
    auto server = std::make_unique<BackendServer>(backendIo.io, spec, config.seed * 7919 + backends.size(),
                                                  store ? store->link() : SessionStoreLink{});
    try {
        server->start(0);
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot start backend " + spec.name + ": " + e.what());
    }
    balancer->addBackend(spec.name, spec.region, spec.weight, server->endpoint());
    std::lock_guard lock(backendsMutex);
    backends.push_back(std::move(server));
    backendNames.push_back(spec.name);
    killed.push_back(false);
}

void Lab::Impl::start()
{
    if (state != RunState::Idle)
        throw std::runtime_error("the lab was already started");
    if (config.servers.empty())
        throw std::runtime_error("the lab needs at least one server");

    const std::size_t users = static_cast<std::size_t>(totalUsers(config));
    if (const std::string shortfall = descriptorShortfall(config); !shortfall.empty())
        throw std::runtime_error(shortfall);

    startedAt = Clock::now();
    capture.begin(startedAt, config.policy);

    balancer = makeEngine(config, capture);
    if (!balancer)
        throw std::runtime_error("no balancer engine for this configuration");

    store = std::make_unique<SessionStoreService>(config.sessionStore, [this](const std::string& line) {
        capture.recordLabEvent({nowUs(), LabEventKind::Note, "redis", line});
    });
    try {
        store->start(control.io.get_executor());
    } catch (...) {
        store.reset();
        balancer.reset();
        throw;
    }
    backendIo.start();
    try {
        for (const auto& spec : config.servers)
            startBackend(spec);
        balancer->start();
    } catch (...) {
        for (auto& b : backends)
            if (b)
                b->stop();
        backendIo.stop();
        store->stop();
        std::lock_guard lock(backendsMutex);
        backends.clear();
        backendNames.clear();
        balancer.reset();
        throw;
    }
    // Listening on all interfaces (0.0.0.0), the lab's own users and URL still go by loopback.
    const asio::ip::tcp::endpoint ep{
        asio::ip::make_address(NetworkInterfaces::localDialAddress(balancer->endpoint().address().to_string())),
        balancer->endpoint().port()};
    url = "http://" + ep.address().to_string() + ':' + std::to_string(ep.port()) + '/';

    std::set<std::string> regionSet;
    for (const auto& s : config.servers)
        regionSet.insert(s.region);
    ClientFleet::Options fo;
    fo.balancer = ep;
    fo.groups = config.clients;
    fo.regions.assign(regionSet.begin(), regionSet.end());
    fo.requestRate = config.requestRate;
    fo.seed = config.seed;
    fo.onIpChange = [this](const IpChange& change) {
        const std::int64_t t = nowUs();
        capture.recordIpChange(change.clientId, change.from, change.to, t);
        capture.recordLabEvent({t, LabEventKind::IpChanged, change.clientId,
                                formatIpv4(change.from) + " -> " + formatIpv4(change.to)});
    };
    fo.onStep = [this](const std::string& clientId) { noteStep(clientId); };
    // With no generated users only outside clients drive the balancer (e.g. wrk at its URL).
    if (users > 0) {
        fleet = std::make_unique<ClientFleet>(fleetIo.io, fo);
        for (const auto& user : fleet->roster())
            capture.registerClient(user.id, user.group, user.ip);
    }
    requestRate = config.requestRate;

    state = RunState::Running;
    log(LabEventKind::RunStarted, config.preset,
        "policy " + config.policy + ", " + std::to_string(users) + " users, " +
            std::to_string(static_cast<int>(config.requestRate)) + " req/s, balancer " + url +
            (config.sessionStore == SessionStoreKind::Local
                 ? std::string()
                 : ", sessions " + std::string(SessionStoreCatalog::displayName(config.sessionStore))));
    fleetIo.start();
    if (fleet)
        fleet->start();

    nextIntervalEnd = startedAt + std::chrono::milliseconds(config.intervalMs);
    publishTimer = std::make_unique<asio::steady_timer>(control.io);
    intervalTimer = std::make_unique<asio::steady_timer>(control.io);
    publish(buildSnapshot());
    if (periodicSnapshots)
        schedulePublish();
    scheduleInterval();
    scheduleTimeline();
    control.start();
}

void Lab::Impl::stop()
{
    const RunState was = state.exchange(RunState::Stopped);
    if (was == RunState::Idle || was == RunState::Stopped) {
        state = was;
        return;
    }
    stoppedAfterUs = nowUs();
    // Timers and commands first, so nothing new is started while the parts go down.
    control.stop();
    publishTimer.reset();
    intervalTimer.reset();
    timelineTimers.clear();
    if (fleet) {
        // Let requests in flight finish (bounded), so the capture and the users agree at the end.
        fleet->setPaused(true);
        const auto deadline = Clock::now() + std::chrono::seconds(2);
        while (Clock::now() < deadline) {
            const FleetStats f = fleet->stats();
            if (f.sent <= f.answered + f.failed)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        fleet->stop();
    }
    fleetIo.stop();
    if (balancer)
        balancer->stop();
    for (auto& b : backends)
        if (b)
            b->stop();
    backendIo.stop();
    if (store) {
        store->closeInterval(stoppedAfterUs, 0);
        store->stop();
    }
    capture.closeInterval(stoppedAfterUs, gauges());
    capture.recordLabEvent({stoppedAfterUs, LabEventKind::RunStopped, config.preset, "run stopped"});
    publish(buildSnapshot());
}

std::vector<BackendGauge> Lab::Impl::gauges() const
{
    std::vector<BackendGauge> out;
    if (!balancer)
        return out;
    const auto list = balancer->backends();
    out.reserve(list.size());
    // Called from any thread (the summary, an export): the control thread may be adding a server.
    std::lock_guard lock(backendsMutex);
    for (std::size_t i = 0; i < list.size(); ++i) {
        const BackendInfo& info = list[i].info;
        BackendGauge g;
        g.name = info.name;
        g.region = info.region;
        g.weight = info.weight;
        g.state = info.removed ? BackendState::Removed
                  : !info.up   ? BackendState::Down
                  : info.draining ? BackendState::Draining
                                  : BackendState::Up;
        g.active = info.active;
        g.sessions = i < backends.size() && backends[i] ? backends[i]->stats().sessions : 0;
        out.push_back(std::move(g));
    }
    return out;
}

std::shared_ptr<const Snapshot> Lab::Impl::buildSnapshot()
{
    auto s = std::make_shared<Snapshot>();
    s->sequence = ++sequence;
    s->tUs = stoppedAfterUs >= 0 ? stoppedAfterUs.load() : nowUs();
    s->state = state;
    s->preset = config.preset;
    s->requestRate = requestRate;
    s->balancerUrl = url;
    if (balancer) {
        s->policy = balancer->policyId();
        s->policyStateful = balancer->policyStateful();
        const auto g = gauges();
        for (std::size_t i = 0; i < g.size(); ++i) {
            BackendView v;
            v.name = g[i].name;
            v.region = g[i].region;
            v.weight = g[i].weight;
            v.state = g[i].state;
            v.killed = i < killed.size() && killed[i];
            v.active = g[i].active;
            v.sessions = g[i].sessions;
            s->servers.push_back(std::move(v));
        }
    }
    s->story.clientId = followed; // filled by the capture under the same lock as the clients
    capture.fillSnapshot(*s, kHistoryInSnapshot, kLogInSnapshot);
    if (store)
        s->store = store->view(kHistoryInSnapshot);
    fillPace(*s);
    if (balancer && s->policyStateful) {
        std::vector<std::string> keys;
        keys.reserve(s->clients.size());
        for (const auto& c : s->clients)
            keys.push_back(c.sessionKey);
        const auto rows = balancer->lookup(keys);
        for (std::size_t i = 0; i < rows.size(); ++i) {
            if (rows[i]) {
                s->clients[i].pinned = true;
                s->clients[i].pinCreatedUs = capture.sinceStartUs(rows[i]->created);
            }
        }
        for (const auto& e : balancer->table(kTableRowsInSnapshot)) {
            SessionRow row;
            row.key = e.key;
            row.backend = e.backend;
            row.createdUs = capture.sinceStartUs(e.created);
            row.lastUsedUs = capture.sinceStartUs(e.lastUsed);
            row.hits = e.hits;
            row.expiresUs = e.expires == TimePoint::max() ? -1 : capture.sinceStartUs(e.expires);
            s->table.push_back(std::move(row));
        }
        s->tableSize = balancer->tableSize();
    }
    return s;
}

void Lab::Impl::schedulePublish()
{
    publishTimer->expires_after(kPublishPeriod);
    publishTimer->async_wait([this](const boost::system::error_code& ec) {
        if (ec || state == RunState::Stopped)
            return;
        publish(buildSnapshot());
        schedulePublish();
    });
}

void Lab::Impl::scheduleInterval()
{
    intervalTimer->expires_at(nextIntervalEnd);
    intervalTimer->async_wait([this](const boost::system::error_code& ec) {
        if (ec || state == RunState::Stopped)
            return;
        capture.closeInterval(capture.sinceStartUs(nextIntervalEnd), gauges());
        if (store)
            store->closeInterval(capture.sinceStartUs(nextIntervalEnd), config.intervalMs / 1000.0);
        const auto interval = std::chrono::milliseconds(config.intervalMs);
        // Every ten seconds of run, the allocator's free pages go back: RSS stays flat over hours.
        const auto ran = nextIntervalEnd - startedAt;
        if (ran / kReturnMemoryPeriod != (ran - interval) / kReturnMemoryPeriod)
            returnFreeMemory();
        nextIntervalEnd += interval;
        scheduleInterval();
    });
}

// ---- public ----------------------------------------------------------------------------------

Lab::Lab(LabConfig config) : Lab(std::move(config), makeBalancerEngine) {}

Lab::Lab(LabConfig config, BalancerEngineFactory makeEngine)
    : m_impl(std::make_unique<Impl>(std::move(config), std::move(makeEngine)))
{
}

Lab::~Lab() { stop(); }

void Lab::setPeriodicSnapshots(bool periodic) { m_impl->periodicSnapshots = periodic; }

void Lab::start() { m_impl->start(); }

void Lab::setPaused(bool paused)
{
    m_impl->post([impl = m_impl.get(), paused] {
        const RunState s = impl->state;
        if (s != RunState::Running && s != RunState::Paused)
            return;
        if ((s == RunState::Paused) == paused)
            return;
        if (impl->fleet)
            impl->fleet->setPaused(paused);
        impl->state = paused ? RunState::Paused : RunState::Running;
        impl->log(paused ? LabEventKind::RunPaused : LabEventKind::RunResumed, impl->config.preset,
                  paused ? "generated traffic paused" : "generated traffic resumed");
    });
}

void Lab::stop() { m_impl->stop(); }

RunState Lab::state() const { return m_impl->state; }

double Lab::elapsedSeconds() const
{
    if (m_impl->state == RunState::Idle)
        return 0;
    const std::int64_t us = m_impl->stoppedAfterUs >= 0 ? m_impl->stoppedAfterUs.load() : m_impl->nowUs();
    return static_cast<double>(us) / 1e6;
}

std::shared_ptr<const Snapshot> Lab::snapshot() const
{
    std::lock_guard lock(m_impl->snapshotMutex);
    return m_impl->latest;
}

std::shared_ptr<const Snapshot> Lab::publishNow()
{
    if (m_impl->state == RunState::Idle)
        return nullptr;
    if (m_impl->state == RunState::Stopped)
        return snapshot();
    std::promise<std::shared_ptr<const Snapshot>> done;
    auto result = done.get_future();
    m_impl->post([impl = m_impl.get(), &done] {
        auto s = impl->buildSnapshot();
        impl->publish(s);
        done.set_value(s);
    });
    if (result.wait_for(std::chrono::seconds(5)) != std::future_status::ready)
        return snapshot();
    return result.get();
}

void Lab::setPolicy(const std::string& id)
{
    m_impl->post([impl = m_impl.get(), id] { impl->doSetPolicy(id, ChangeOrigin::User); });
}

void Lab::killBackend(const std::string& name)
{
    m_impl->post([impl = m_impl.get(), name] { impl->doKill(name); });
}

void Lab::restoreBackend(const std::string& name)
{
    m_impl->post([impl = m_impl.get(), name] { impl->doRestore(name); });
}

void Lab::killStore()
{
    m_impl->post([impl = m_impl.get()] { impl->doKillStore(); });
}

void Lab::restoreStore()
{
    m_impl->post([impl = m_impl.get()] { impl->doRestoreStore(); });
}

void Lab::setDraining(const std::string& name, bool draining)
{
    m_impl->post([impl = m_impl.get(), name, draining] { impl->doDrain(name, draining); });
}

void Lab::setWeight(const std::string& name, int weight)
{
    m_impl->post([impl = m_impl.get(), name, weight] { impl->doWeight(name, weight, ChangeOrigin::User); });
}

std::string Lab::addBackend()
{
    BackendSpec spec = m_impl->config.servers.empty() ? BackendSpec{} : m_impl->config.servers.back();
    spec.externalAddress.clear(); // a copy of an outside server would point at the same one: start a lab server
    {
        // The name is chosen (and reserved) here so the caller learns it without waiting.
        std::lock_guard lock(m_impl->namesMutex);
        for (int n = 1;; ++n) {
            spec.name = 's';
            spec.name += std::to_string(n);
            if (m_impl->names.insert(spec.name).second)
                break;
        }
    }
    addBackend(spec);
    return spec.name;
}

void Lab::addBackend(const BackendSpec& spec)
{
    m_impl->post([impl = m_impl.get(), spec] { impl->doAdd(spec, ChangeOrigin::User); });
}

void Lab::removeBackend(const std::string& name)
{
    m_impl->post([impl = m_impl.get(), name] { impl->doRemove(name, ChangeOrigin::User); });
}

void Lab::setRequestRate(double perSecond)
{
    m_impl->post([impl = m_impl.get(), perSecond] { impl->doRate(perSecond, ChangeOrigin::User); });
}

void Lab::changeClientIps(double fraction)
{
    m_impl->post([impl = m_impl.get(), fraction] { impl->doChangeIps(fraction); });
}

void Lab::note(const std::string& text)
{
    m_impl->post([impl = m_impl.get(), text] { impl->log(LabEventKind::Note, "user", text); });
}

std::string Lab::balancerUrl() const { return m_impl->url; }

std::uint16_t Lab::balancerPort() const { return m_impl->balancer ? m_impl->balancer->endpoint().port() : 0; }

const LabConfig& Lab::config() const { return m_impl->config; }

LabConfig Lab::configInForce() const
{
    // Before the run there is no run length yet: the configured duration stands.
    if (m_impl->state == RunState::Idle)
        return m_impl->setup.inForce(m_impl->config.durationSeconds);
    return m_impl->setup.inForce(elapsedSeconds());
}

LabConfig Lab::userSetup() const { return m_impl->setup.userSetup(); }

void Lab::followClient(const std::string& clientId)
{
    m_impl->post([impl = m_impl.get(), clientId] { impl->followed = clientId; });
}

RunSummary Lab::summary() const
{
    const auto g = m_impl->gauges();
    const std::size_t tableSize = m_impl->balancer ? m_impl->balancer->tableSize() : 0;
    const std::string policy = m_impl->balancer ? m_impl->balancer->policyId() : m_impl->config.policy;
    RunSummary s = RunSummary::make(m_impl->config.preset, policy, elapsedSeconds(), m_impl->config.seed,
                                    m_impl->capture.totals(), m_impl->capture.backendStats(), g, tableSize);
    s.users = static_cast<std::size_t>(totalUsers(m_impl->config));
    s.engine = std::string(EngineCatalog::id(m_impl->config.engine));
    s.sessionStore = std::string(SessionStoreCatalog::id(m_impl->config.sessionStore));
    if (m_impl->store)
        s.store = m_impl->store->figures();
    return s;
}

GeneratedConfig Lab::engineConfiguration(EngineKind engine) const
{
    if (engine == EngineKind::Builtin)
        return {};
    if (m_impl->balancer && engine == m_impl->config.engine)
        return m_impl->balancer->configuration();
    const LabConfig inForce = configInForce();
    try {
        return engineConfigurationFor(engine, inForce,
                                      m_impl->balancer ? m_impl->balancer->backends() : std::vector<BalancerBackend>{});
    } catch (const std::exception& e) {
        GeneratedConfig none;
        none.text = "# " + std::string(EngineCatalog::displayName(engine)) + " cannot run policy " + inForce.policy +
                    ": " + e.what() + "\n";
        return none;
    }
}

const Capture& Lab::capture() const { return m_impl->capture; }

FleetStats Lab::fleetStats() const { return m_impl->fleet ? m_impl->fleet->stats() : FleetStats{}; }

void Lab::exportRun(const std::filesystem::path& dir) const
{
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir))
        throw std::runtime_error("cannot create export folder " + dir.string() + ": " +
                                 (ec ? ec.message() : "not a directory"));
    RunExport::writeAtomically(dir / "events.csv", [&](std::ostream& out) { m_impl->capture.writeEventsCsv(out); });
    RunExport::writeAtomically(dir / "servers.csv", [&](std::ostream& out) { m_impl->capture.writeServersCsv(out); });
    RunExport::writeAtomically(dir / "changes.csv", [&](std::ostream& out) { m_impl->capture.writeChangesCsv(out); });
    const RunSummary s = summary();
    RunExport::writeAtomically(dir / "run.json", [&](std::ostream& out) {
        nlohmann::json j;
        j["summary"] = nlohmann::json::parse(s.toJson());
        j["config"] = ConfigWriter::toJson(configInForce()); // the run as it ended, in the scenario form
        j["balancer_url"] = m_impl->url;
        j["events_recorded"] = m_impl->capture.eventCount();
        nlohmann::json log = nlohmann::json::array();
        for (const auto& e : m_impl->capture.labEvents())
            log.push_back({{"t_ms", static_cast<double>(e.tUs) / 1000.0},
                           {"kind", toString(e.kind)},
                           {"subject", e.subject},
                           {"detail", e.detail}});
        j["lab_events"] = log;
        j["format"] = "lblab-run/1";
        out << j.dump(2) << '\n';
    });
}

} // namespace lblab
