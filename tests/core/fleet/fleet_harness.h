#pragma once

// The fleet tests' harness: an io_context on its own thread with a TestServer, and a bounded way to
// stop the fleet and the server; and a client group as the tests write it.

#include "core/fleet/client_fleet.h"
#include "core/fleet/fleet_test_server.h"
#include "support/wait_for.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace lblab::test {

/// The io_context on its own thread, the server, and a bounded way to stop both.
class FleetHarness {
public:
    FleetHarness() = default;
    ~FleetHarness()
    {
        if (m_thread.joinable()) {
            io.stop();
            m_thread.join();
        }
    }

    void run()
    {
        m_done = m_finished.get_future();
        m_thread = std::thread([this] {
            io.run();
            m_finished.set_value();
        });
    }

    /// Stops fleet and server; true if io_context::run returned within `limit` (nothing left pending:
    /// no timer and no socket of the fleet outlives stop()). The limit is generous, yet far shorter
    /// than the 30 s request timeout a test leaves pending to check that stop() cancels it.
    bool finish(ClientFleet& fleet, std::chrono::milliseconds limit = 10'000ms)
    {
        fleet.stop();
        server.stop();
        const bool drained = m_done.wait_for(limit) == std::future_status::ready;
        if (!drained)
            io.stop();
        m_thread.join();
        return drained;
    }

    /// Waits until everything posted to the io_context before this call has run: a fleet's public
    /// calls are posted, so afterwards they have taken effect.
    bool postedCallsRan()
    {
        auto ran = std::make_shared<std::atomic<bool>>(false);
        asio::post(io, [ran] { *ran = true; });
        return waitFor([&] { return ran->load(); });
    }

    ClientFleet::Options options(std::vector<ClientGroupSpec> groups, double rate)
    {
        ClientFleet::Options o;
        o.balancer = tcp::endpoint(asio::ip::address_v4::loopback(), server.port());
        o.groups = std::move(groups);
        o.regions = {"eu", "us"};
        o.requestRate = rate;
        o.seed = 11;
        o.requestTimeoutSeconds = 2;
        return o;
    }

    asio::io_context io;
    TestServer server{io};

private:
    std::thread m_thread;
    std::promise<void> m_finished;
    std::future<void> m_done;
};

inline ClientGroupSpec group(std::string name, int count, ClientBehaviour behaviour = ClientBehaviour::Anonymous)
{
    ClientGroupSpec g;
    g.name = std::move(name);
    g.count = count;
    g.behaviour = behaviour;
    return g;
}

} // namespace lblab::test
