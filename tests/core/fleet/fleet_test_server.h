#pragma once

// The fleet tests' HTTP server: a tiny backend-like server on 127.0.0.1 that records every request.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace lblab::test {

namespace fleet_test_detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
} // namespace fleet_test_detail
using namespace fleet_test_detail;

/// One request as the test server saw it.
struct Seen {
    std::string peer;
    std::string client;
    std::string region;
    std::string method;
    std::string target;
    std::string cookie;
    bool hasCookie = false;
};

/// A tiny backend-like HTTP server on 127.0.0.1: /login makes a session (cookie + X-Session-Id),
/// /account answers `accountStatus`, every answer names one of three backends in X-Backend.
/// In hang mode it reads requests and never answers.
class TestServer {
public:
    explicit TestServer(asio::io_context& io)
        : m_io(io)
        , m_acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0))
    {
        asio::co_spawn(io, accept(), asio::detached);
    }

    std::uint16_t port() const { return m_acceptor.local_endpoint().port(); }

    void stop()
    {
        asio::post(m_io, [this] {
            m_stopped = true;
            beast::error_code ec;
            m_acceptor.close(ec);
            for (auto& weak : m_streams)
                if (auto s = weak.lock())
                    s->close();
        });
    }

    std::vector<Seen> seen() const
    {
        std::lock_guard lock(m_mutex);
        return m_seen;
    }
    std::size_t count() const
    {
        std::lock_guard lock(m_mutex);
        return m_seen.size();
    }

    std::atomic<unsigned> accountStatus{200};
    std::atomic<bool> hang{false};
    std::atomic<bool> closeAfterAnswer{false};
    std::atomic<int> idleTimeoutMs{10'000}; ///< a kept-alive connection with no request is closed after this
    std::atomic<int> connections{0};
    std::atomic<int> openSessions{0}; ///< accepted connections whose session has not ended

private:
    asio::awaitable<void> accept()
    {
        while (!m_stopped) {
            beast::error_code ec;
            tcp::socket socket = co_await m_acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                if (ec == asio::error::operation_aborted || m_stopped)
                    co_return;
                // e.g. EMFILE: do not spin.
                asio::steady_timer t(m_io, 10ms);
                co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                continue;
            }
            ++connections;
            ++openSessions; // counted from the accept, so no session is missed before it starts
            auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
            m_streams.push_back(stream);
            asio::co_spawn(m_io, session(stream), asio::detached);
        }
    }

    asio::awaitable<void> session(std::shared_ptr<beast::tcp_stream> stream)
    {
        struct Closed {
            std::atomic<int>& open;
            ~Closed() { --open; }
        } closed{openSessions};
        beast::flat_buffer buffer;
        beast::error_code ec;
        const std::string peer = stream->socket().remote_endpoint(ec).address().to_string();
        while (!m_stopped) {
            stream->expires_after(std::chrono::milliseconds(idleTimeoutMs.load()));
            http::request<http::string_body> req;
            co_await http::async_read(*stream, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
            if (ec)
                co_return;
            Seen s;
            s.peer = peer;
            s.client = std::string(req["X-LBLab-Client"]);
            s.region = std::string(req["X-Region"]);
            s.method = std::string(req.method_string());
            s.target = std::string(req.target());
            s.hasCookie = req.count(http::field::cookie) > 0;
            s.cookie = std::string(req[http::field::cookie]);
            std::size_t n;
            {
                std::lock_guard lock(m_mutex);
                m_seen.push_back(s);
                n = m_seen.size();
            }
            if (hang) {
                // Never answer; wait for the client to give up or for stop().
                char sink[256];
                for (;;) {
                    co_await stream->socket().async_read_some(asio::buffer(sink),
                                                              asio::redirect_error(asio::use_awaitable, ec));
                    if (ec)
                        co_return;
                }
            }
            http::response<http::string_body> res{http::status::ok, req.version()};
            res.set("X-Backend", "b" + std::to_string(n % 3));
            const std::string path = s.target.substr(0, s.target.find('?'));
            if (path == "/login") {
                const std::string sid = "s-" + std::to_string(n);
                res.set(http::field::set_cookie, "SESSIONID=" + sid + "; Path=/");
                res.set("X-Session-Id", sid);
            } else if (path == "/account") {
                res.result(accountStatus.load());
            }
            res.body() = "ok";
            res.keep_alive(req.keep_alive());
            res.prepare_payload();
            co_await http::async_write(*stream, res, asio::redirect_error(asio::use_awaitable, ec));
            if (ec || !req.keep_alive())
                co_return;
            if (closeAfterAnswer) {
                // Promised keep-alive, then closes anyway: the client's next write meets a dead socket.
                stream->close();
                co_return;
            }
        }
    }

    asio::io_context& m_io;
    tcp::acceptor m_acceptor;
    std::vector<std::weak_ptr<beast::tcp_stream>> m_streams;
    bool m_stopped = false;
    mutable std::mutex m_mutex;
    std::vector<Seen> m_seen;
};

} // namespace lblab::test
