#include "core/proxy/balancer.h"

#include "core/policies/policy_catalog.h"
#include "core/proxy/backend_registry.h"
#include "core/proxy/client_connection.h"
#include "core/proxy/health_checker.h"
#include "core/proxy/proxy_services.h"
#include "core/proxy/proxy_wire.h"
#include "core/proxy/proxy_worker.h"
#include "core/proxy/request_recorder.h"
#include "core/proxy/send_round.h"
#include "core/record/capture.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <atomic>
#include <stdexcept>

namespace lblab {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using proxy_wire::nothrow;

namespace {

std::unique_ptr<Policy> firstPolicy(const BalancerOptions& options)
{
    auto policy = PolicyCatalog::make(options.policy, options.policyOptions);
    if (!policy)
        throw std::runtime_error("unknown policy '" + options.policy + "' (see --list-policies)");
    return policy;
}

} // namespace

/// The parts, their threads and the listening socket.
class Balancer::Impl {
public:
    Impl(Options o, Capture& c)
        : options(std::move(o)),
          capture(c),
          recorder(c),
          registry(firstPolicy(options), c),
          health(registry, options.healthCheck, stopping),
          services{options, registry, health, recorder, stopping, connections}
    {
    }

    Options options;
    Capture& capture;
    std::atomic<bool> started{false};
    std::atomic<bool> stopping{false};
    std::atomic<std::size_t> connections{0};
    std::atomic<std::size_t> idleConnections{0}; // upstream, in every worker's pool
    RequestRecorder recorder;
    BackendRegistry registry;
    HealthChecker health;
    ProxyServices services;
    std::vector<std::unique_ptr<ProxyWorker>> workers;
    std::unique_ptr<tcp::acceptor> acceptor;
    tcp::endpoint bound;
    std::size_t nextWorker = 0;

    void start();
    void stop();
    asio::awaitable<void> acceptLoop();
    asio::awaitable<void> expiryLoop();
};

void Balancer::Impl::start()
{
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(options.listenAddress, ec);
    const std::string where = options.listenAddress + ':' + std::to_string(options.listenPort);
    if (ec)
        throw std::runtime_error("cannot listen on " + where + ": not an IP address");

    const int threads = std::max(1, options.ioThreads);
    for (int i = 0; i < threads; ++i)
        workers.push_back(std::make_unique<ProxyWorker>(services, idleConnections));

    acceptor = std::make_unique<tcp::acceptor>(workers[0]->io);
    const tcp::endpoint endpoint{address, options.listenPort};
    acceptor->open(endpoint.protocol(), ec);
    if (!ec)
        acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
        acceptor->bind(endpoint, ec);
    if (!ec)
        acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        acceptor.reset();
        workers.clear();
        throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
    }
    bound = acceptor->local_endpoint();

    asio::co_spawn(workers[0]->io, acceptLoop(), asio::detached);
    asio::co_spawn(workers[0]->io, expiryLoop(), asio::detached);
    for (auto& w : workers)
        asio::co_spawn(w->io, w->maintainLoop(stopping), asio::detached);
    health.start(workers[0]->io);
    started = true;
    for (auto& w : workers)
        w->thread = std::thread([io = &w->io] {
            const SendRound::Enable batching(*io);
            io->run();
        });
}

void Balancer::Impl::stop()
{
    if (!started.exchange(false))
        return;
    stopping = true;
    health.stop();
    asio::post(workers[0]->io, [this] {
        boost::system::error_code ignored;
        acceptor->close(ignored);
    });
    for (auto& w : workers) {
        w->guard.reset();
        w->io.stop();
    }
    for (auto& w : workers)
        if (w->thread.joinable())
            w->thread.join();
    // Destroying the workers destroys the waiting and suspended connections and closes their sockets.
    acceptor.reset();
    workers.clear();
}

asio::awaitable<void> Balancer::Impl::acceptLoop()
{
    for (;;) {
        ProxyWorker& w = *workers[nextWorker++ % workers.size()];
        auto [ec, socket] = co_await acceptor->async_accept(w.io.get_executor(), nothrow);
        if (stopping || ec == asio::error::operation_aborted)
            co_return;
        if (ec) {
            // Out of descriptors or a transient error: pause instead of spinning.
            asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(50));
            co_await timer.async_wait(nothrow);
            continue;
        }
        // The connection lives on its worker's thread; this loop runs on the first worker's.
        if (&w == workers[0].get())
            ClientConnection::start(w, std::move(socket));
        else
            asio::post(w.io, [&w, s = std::move(socket)]() mutable { ClientConnection::start(w, std::move(s)); });
    }
}

asio::awaitable<void> Balancer::Impl::expiryLoop()
{
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        timer.expires_after(std::chrono::seconds(1));
        auto [ec] = co_await timer.async_wait(nothrow);
        if (ec || stopping)
            co_return;
        registry.expire(Clock::now());
    }
}

// ---- public ----------------------------------------------------------------------------------

Balancer::Balancer(Options options, Capture& capture) : m_impl(std::make_unique<Impl>(std::move(options), capture)) {}

Balancer::~Balancer() { stop(); }

void Balancer::start() { m_impl->start(); }

void Balancer::stop() { m_impl->stop(); }

boost::asio::ip::tcp::endpoint Balancer::endpoint() const { return m_impl->bound; }

int Balancer::addBackend(const std::string& name, const std::string& region, int weight,
                         const boost::asio::ip::tcp::endpoint& endpoint)
{
    const int index = m_impl->registry.add(name, region, weight, endpoint);
    m_impl->health.watch(index); // probed from now on if running; start() probes it otherwise
    if (m_impl->started)
        m_impl->capture.markTopologyChange();
    return index;
}

void Balancer::removeBackend(int index) { m_impl->registry.remove(index); }

void Balancer::setDraining(int index, bool draining) { m_impl->registry.setDraining(index, draining); }

void Balancer::setWeight(int index, int weight) { m_impl->registry.setWeight(index, weight); }

void Balancer::markBackend(int index, bool up, const std::string& reason) { m_impl->registry.mark(index, up, reason); }

std::optional<PinHandover> Balancer::setPolicy(const std::string& id)
{
    auto next = PolicyCatalog::make(id, m_impl->options.policyOptions);
    if (!next)
        return std::nullopt;
    return m_impl->registry.replacePolicy(std::move(next), id);
}

std::string Balancer::policyId() const { return m_impl->registry.policyId(); }

bool Balancer::policyStateful() const { return m_impl->registry.policyStateful(); }

std::vector<BalancerBackend> Balancer::backends() const { return m_impl->registry.backends(); }

std::vector<PinEntry> Balancer::table(std::size_t limit) const { return m_impl->registry.table(limit); }

std::size_t Balancer::tableSize() const { return m_impl->registry.tableSize(); }

std::vector<std::optional<PinEntry>> Balancer::lookup(const std::vector<std::string>& keys) const
{
    return m_impl->registry.lookup(keys);
}

std::size_t Balancer::openConnections() const { return m_impl->connections; }

std::size_t Balancer::idleUpstreamConnections() const { return m_impl->idleConnections; }

Balancer::ExchangeStates Balancer::exchangeStates() const
{
    ExchangeStates states;
    for (const auto& w : m_impl->workers) {
        states.inUse += w->exchanges.inUse();
        states.kept += w->exchanges.kept();
    }
    return states;
}

} // namespace lblab
