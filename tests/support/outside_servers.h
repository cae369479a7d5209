#pragma once

// BackendServers on 127.0.0.1, on their own thread, that the lab under test did not start.

#include "core/backend/backend_server.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace lblab::test {

/// `count` fast backends named outside1..N; address(i) is "127.0.0.1:PORT".
class OutsideServers {
public:
    explicit OutsideServers(int count, std::uint64_t seed = 42)
    {
        for (int i = 0; i < count; ++i) {
            BackendSpec spec;
            spec.name = "outside";
            spec.name += std::to_string(i + 1);
            spec.serviceTimeMs = 0;
            spec.model = ServiceTimeModel::Constant;
            m_servers.push_back(std::make_unique<BackendServer>(m_io, spec, seed + i));
            m_servers.back()->start(0);
        }
        m_thread = std::thread([this] { m_io.run(); });
    }
    ~OutsideServers()
    {
        for (auto& s : m_servers)
            s->stop();
        m_guard.reset();
        m_io.stop();
        m_thread.join();
    }
    OutsideServers(const OutsideServers&) = delete;
    OutsideServers& operator=(const OutsideServers&) = delete;

    /// "127.0.0.1:PORT" of server i.
    std::string address(int i) const
    {
        const auto ep = m_servers[i]->endpoint();
        return ep.address().to_string() + ':' + std::to_string(ep.port());
    }
    /// Server i itself (for its counters).
    BackendServer& server(int i) { return *m_servers[i]; }

private:
    boost::asio::io_context m_io;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> m_guard{m_io.get_executor()};
    std::vector<std::unique_ptr<BackendServer>> m_servers;
    std::thread m_thread;
};

} // namespace lblab::test
