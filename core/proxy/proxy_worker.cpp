#include "core/proxy/proxy_worker.h"

#include "core/proxy/client_connection.h"
#include "core/proxy/proxy_services.h"
#include "core/proxy/proxy_wire.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <chrono>

namespace lblab {

ProxyWorker::ProxyWorker(ProxyServices& services, std::atomic<std::size_t>& idleTotal)
    : services(services), exchanges(io, pool, services.options),
      waiting(io, services.options, &ClientConnection::waitExpired), pool(services.options, idleTotal)
{
}

ProxyWorker::~ProxyWorker()
{
    exchanges.close();
    waiting.close();
    pool.close();
}

boost::asio::awaitable<void> ProxyWorker::maintainLoop(const std::atomic<bool>& stopping)
{
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    for (;;) {
        timer.expires_after(std::chrono::seconds(1));
        auto [ec] = co_await timer.async_wait(proxy_wire::nothrow);
        if (ec || stopping)
            co_return;
        pool.sweep();
        exchanges.trim();
    }
}

} // namespace lblab
