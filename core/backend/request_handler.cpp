#include "core/backend/request_handler.h"

#include "core/base/cookie_header.h"
#include "core/base/query_string.h"
#include "core/base/text.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdio>

namespace lblab {

namespace http = boost::beast::http;

namespace {

std::string_view pathOf(std::string_view target)
{
    return target.substr(0, target.find('?'));
}

/// A bijection on 64 bits (splitmix64's finaliser): distinct counters give distinct ids.
std::uint64_t mix64(std::uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/// Process-wide, so ids stay unique even across two backends that share a name.
std::atomic<std::uint64_t> g_sessionCounter{1};

} // namespace

std::string firstForwardedFor(std::string_view header)
{
    return std::string(trimOws(header.substr(0, header.find(','))));
}

std::optional<std::string> requestSessionId(const BackendRequest& req)
{
    // A request may carry several Cookie fields (HTTP/2 style splitting by proxies).
    for (auto it = req.find(http::field::cookie); it != req.end() && it->name() == http::field::cookie; ++it) {
        if (auto v = findCookie(it->value(), "SESSIONID"); v && !v->empty())
            return std::string(*v);
    }
    if (auto v = queryParam(req.target(), "sid"); v && !v->empty())
        return v;
    return std::nullopt;
}

BackendRoute routeOf(const BackendRequest& req)
{
    const std::string_view path = pathOf(req.target());
    const bool get = req.method() == http::verb::get;
    if (path == "/health")
        return get || req.method() == http::verb::head ? BackendRoute::Health : BackendRoute::MethodNotAllowed;
    if (path == "/search")
        return get ? BackendRoute::Search : BackendRoute::MethodNotAllowed;
    if (path == "/account")
        return get ? BackendRoute::Account : BackendRoute::MethodNotAllowed;
    if (path == "/login")
        return req.method() == http::verb::post ? BackendRoute::Login : BackendRoute::MethodNotAllowed;
    return BackendRoute::NotFound;
}

RequestHandler::RequestHandler(std::string name, std::string region, std::uint64_t seed,
                               std::size_t sessionCapacity, std::size_t peerCapacity)
    : m_name(std::move(name)), m_region(std::move(region)), m_rng(seed),
      m_sessions(sessionCapacity), m_peerCapacity(peerCapacity)
{
}

BackendResponse RequestHandler::plain(const BackendRequest& req, http::status status, std::string body) const
{
    BackendResponse res{status, req.version()};
    res.set(http::field::server, "lblab-backend");
    res.set("X-Backend", m_name);
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

BackendResponse RequestHandler::badRequest(std::string_view why, http::status status) const
{
    BackendResponse res{status, 11};
    res.set(http::field::server, "lblab-backend");
    res.set("X-Backend", m_name);
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.keep_alive(false);
    res.body() = "bad request: " + std::string(why) + "\n";
    res.prepare_payload();
    return res;
}

void RequestHandler::recordPeer(const BackendRequest& req)
{
    const auto it = req.find("X-Forwarded-For");
    if (it == req.end())
        return;
    std::string peer = firstForwardedFor(it->value());
    if (peer.empty() || m_peers.size() >= m_peerCapacity)
        return;
    m_peers.insert(std::move(peer));
}

std::string RequestHandler::newSessionId()
{
    const std::uint64_t n = mix64(g_sessionCounter.fetch_add(1, std::memory_order_relaxed));
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(n));
    return m_name + "-" + hex;
}

RequestHandler::Result RequestHandler::handle(const BackendRequest& req, TimePoint now)
{
    Result r;
    auto json = [&](http::status status, const nlohmann::json& body) {
        r.response = plain(req, status, body.dump() + "\n");
        r.response.set(http::field::content_type, "application/json");
        r.response.prepare_payload();
    };
    switch (routeOf(req)) {
    case BackendRoute::Health:
        r.response = plain(req, http::status::ok, "ok");
        break;
    case BackendRoute::Search: {
        const std::string loc = queryParam(req.target(), "loc").value_or("");
        const auto results = std::uniform_int_distribution<int>(0, 99)(m_rng);
        json(http::status::ok, {{"backend", m_name}, {"region", m_region}, {"loc", loc}, {"results", results}});
        r.response.set("X-Session", "none");
        break;
    }
    case BackendRoute::Login: {
        const std::string id = newSessionId();
        m_sessions.create(id, now);
        json(http::status::ok, {{"backend", m_name}, {"session", id}});
        r.response.set(http::field::set_cookie, "SESSIONID=" + id + "; Path=/; HttpOnly");
        r.response.set("X-Session-Id", id);
        r.response.set("X-Session", "created");
        r.session = SessionOutcome::Created;
        break;
    }
    case BackendRoute::Account: {
        const auto id = requestSessionId(req);
        if (id && m_sessions.touch(*id, now)) {
            json(http::status::ok, {{"backend", m_name}, {"session", *id}, {"account", "ok"}});
            r.response.set("X-Session", "hit");
            r.session = SessionOutcome::Hit;
        } else {
            m_sessions.expire(now);
            json(http::status::unauthorized, {{"backend", m_name}, {"error", id ? "unknown session" : "no session"}});
            r.response.set("X-Session", "miss");
            r.session = SessionOutcome::Miss;
        }
        break;
    }
    case BackendRoute::MethodNotAllowed:
        r.response = plain(req, http::status::method_not_allowed, "method not allowed\n");
        r.response.set(http::field::allow, pathOf(req.target()) == "/login" ? "POST" : "GET");
        break;
    case BackendRoute::NotFound:
        r.response = plain(req, http::status::not_found, "not found\n");
        break;
    }
    return r;
}

} // namespace lblab
