#pragma once

// A small synchronous HTTP/1.1 client for tests: real sockets, optional source address,
// a cookie jar, keep-alive, and a deadline on every call.

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <map>
#include <optional>
#include <string>

namespace lblab::test {

/// One answer as the test needs it.
struct HttpAnswer {
    unsigned status = 0;
    std::string backend;       ///< X-Backend
    std::string session;       ///< X-Session
    std::string error;         ///< X-LBLab-Error
    std::string contentType;   ///< Content-Type
    std::string body;
    std::vector<std::string> setCookies;
};

/// A keep-alive client with a cookie jar, bound to an optional source address.
class TestHttpClient {
public:
    TestHttpClient(boost::asio::ip::tcp::endpoint server, std::string sourceAddress = {})
        : m_server(server), m_source(std::move(sourceAddress)), m_socket(m_io)
    {
    }

    /// Sends one request (with `body`, if any); nullopt on a connection or protocol error (the
    /// connection is then reset).
    std::optional<HttpAnswer> request(boost::beast::http::verb verb, const std::string& target,
                                      const std::map<std::string, std::string>& headers = {},
                                      const std::string& body = {})
    {
        namespace http = boost::beast::http;
        boost::system::error_code ec;
        if (!m_connected) {
            auto& socket = m_socket;
            socket.open(boost::asio::ip::tcp::v4(), ec);
            // Synchronous calls ignore tcp_stream deadlines: bound them with socket timeouts.
            timeval timeout{5, 0};
            ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
            ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
            if (!m_source.empty()) {
                socket.set_option(boost::asio::socket_base::reuse_address(true), ec);
                socket.bind({boost::asio::ip::make_address(m_source), 0}, ec);
                if (ec)
                    return std::nullopt;
            }
            socket.connect(m_server, ec);
            if (ec)
                return std::nullopt;
            m_connected = true;
        }
        http::request<http::string_body> req{verb, target, 11};
        req.set(http::field::host, "lblab-test");
        for (const auto& [k, v] : headers)
            req.set(k, v);
        std::string cookie;
        for (const auto& [k, v] : m_jar)
            cookie += (cookie.empty() ? "" : "; ") + k + '=' + v;
        if (!cookie.empty())
            req.set(http::field::cookie, cookie);
        req.keep_alive(true);
        req.body() = body;
        req.prepare_payload();
        http::write(m_socket, req, ec);
        if (ec)
            return reset();
        boost::beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(m_socket, buffer, res, ec);
        if (ec)
            return reset();
        HttpAnswer a;
        a.status = res.result_int();
        a.backend = std::string(res["X-Backend"]);
        a.session = std::string(res["X-Session"]);
        a.error = std::string(res["X-LBLab-Error"]);
        a.contentType = std::string(res[http::field::content_type]);
        a.body = res.body();
        for (auto it = res.find(http::field::set_cookie); it != res.end() && it->name() == http::field::set_cookie; ++it) {
            std::string v(it->value());
            a.setCookies.push_back(v);
            const auto eq = v.find('=');
            const auto semi = v.find(';');
            if (eq != std::string::npos)
                m_jar[v.substr(0, eq)] = v.substr(eq + 1, semi == std::string::npos ? std::string::npos : semi - eq - 1);
        }
        if (!res.keep_alive())
            reset();
        return a;
    }

    /// GET shorthand.
    std::optional<HttpAnswer> get(const std::string& target, const std::map<std::string, std::string>& headers = {})
    {
        return request(boost::beast::http::verb::get, target, headers);
    }

    /// Forgets every cookie (a fresh jar).
    void clearCookies() { m_jar.clear(); }

private:
    std::optional<HttpAnswer> reset()
    {
        boost::system::error_code ignored;
        m_socket.close(ignored);
        m_connected = false;
        return std::nullopt;
    }

    boost::asio::io_context m_io;
    boost::asio::ip::tcp::endpoint m_server;
    std::string m_source;
    boost::asio::ip::tcp::socket m_socket;
    bool m_connected = false;
    std::map<std::string, std::string> m_jar;
};

} // namespace lblab::test
