#include "core/proxy/health_checker.h"

#include "core/proxy/backend_registry.h"
#include "core/proxy/proxy_wire.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace lblab {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using proxy_wire::nothrow;

HealthChecker::HealthChecker(BackendRegistry& registry, const HealthCheckSpec& spec,
                             const std::atomic<bool>& stopping)
    : m_registry(registry), m_spec(spec), m_stopping(stopping)
{
}

void HealthChecker::start(asio::io_context& io)
{
    std::lock_guard lock(m_mutex);
    m_io = &io;
    const int count = m_registry.count();
    for (int i = 0; i < count; ++i)
        if (!m_registry.removed(i))
            spawn(i);
}

void HealthChecker::stop()
{
    std::lock_guard lock(m_mutex);
    m_io = nullptr;
}

void HealthChecker::watch(int index)
{
    std::lock_guard lock(m_mutex);
    if (m_io)
        spawn(index);
}

void HealthChecker::spawn(int index)
{
    if (index < 0)
        return;
    if (m_probed.size() <= static_cast<std::size_t>(index))
        m_probed.resize(index + 1);
    if (m_probed[index])
        return;
    m_probed[index] = true;
    asio::co_spawn(*m_io, probeLoop(index), asio::detached);
}

void HealthChecker::connectFailed(int index, const std::string& reason)
{
    m_registry.mark(index, false, "connection failed: " + reason);
}

asio::awaitable<bool> HealthChecker::probe(tcp::endpoint ep)
{
    beast::tcp_stream stream(co_await asio::this_coro::executor);
    stream.expires_after(proxy_wire::seconds(m_spec.timeoutSeconds));
    auto [ec] = co_await stream.async_connect(ep, nothrow);
    if (ec)
        co_return false;
    http::request<http::string_body> req{http::verb::get, "/health", 11};
    req.set(http::field::host, "lblab-health");
    req.keep_alive(false);
    auto [wec, wn] = co_await http::async_write(stream, req, nothrow);
    if (wec)
        co_return false;
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(4096);
    auto [rec, rn] = co_await http::async_read(stream, buffer, parser, nothrow);
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return !rec && parser.get().result() == http::status::ok;
}

asio::awaitable<void> HealthChecker::probeLoop(int index)
{
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        timer.expires_after(proxy_wire::seconds(m_spec.intervalSeconds));
        auto [ec] = co_await timer.async_wait(nothrow);
        if (ec || m_stopping)
            co_return;
        const auto ep = m_registry.probeTarget(index);
        if (!ep)
            co_return;
        const bool ok = co_await probe(*ep);
        if (const auto nowUp = m_registry.countProbe(index, ok, m_spec.rise, m_spec.fall))
            m_registry.mark(index, *nowUp,
                            *nowUp ? "health check passed " + std::to_string(m_spec.rise) + " times"
                                   : "health check failed " + std::to_string(m_spec.fall) + " times");
    }
}

} // namespace lblab
