#include "core/backend/request_handler.h"

#include "core/backend/visitor_page.h"

#include "core/base/cookie_header.h"
#include "core/base/query_string.h"
#include "core/base/text.h"
#include "core/store/session_signer.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <stdexcept>
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

std::uint32_t elapsedUs(std::chrono::steady_clock::time_point since)
{
    return static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - since).count());
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

std::string loginUser(const BackendRequest& req)
{
    std::string user = queryParam("?" + req.body(), "user").value_or("");
    const bool usable = !user.empty() && user.size() <= 64 && std::all_of(user.begin(), user.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    return usable ? user : std::string("user");
}

bool wantsHtml(const BackendRequest& req)
{
    const auto accept = req.find(http::field::accept);
    if (accept == req.end())
        return false;
    std::string_view rest = accept->value();
    while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        const std::string_view item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        const std::size_t semicolon = item.find(';');
        if (!iequals(trimOws(item.substr(0, semicolon)), "text/html"))
            continue;
        // "text/html;q=0" says "not HTML".
        const std::string_view params = semicolon == std::string_view::npos ? std::string_view() : item.substr(semicolon);
        const std::size_t q = params.find("q=");
        return q == std::string_view::npos || params.substr(q + 2).find_first_of("123456789") != std::string_view::npos;
    }
    return false;
}

std::string sessionOrigin(std::string_view id)
{
    // newSessionId(): the backend's name, '-', 16 lower-case hex digits.
    constexpr std::size_t kHexDigits = 16;
    const std::size_t dash = id.rfind('-');
    if (dash == std::string_view::npos || dash == 0 || id.size() - dash - 1 != kHexDigits)
        return {};
    const std::string_view hex = id.substr(dash + 1);
    const bool isHex = std::all_of(hex.begin(), hex.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
    return isHex ? std::string(id.substr(0, dash)) : std::string();
}

BackendRoute routeOf(const BackendRequest& req)
{
    const std::string_view path = pathOf(req.target());
    const bool get = req.method() == http::verb::get;
    if (path == "/" && get && wantsHtml(req))
        return BackendRoute::VisitorPage;
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

void RequestHandler::useStore(SessionStoreKind kind, std::shared_ptr<const SessionSigner> signer,
                              std::chrono::seconds ttl)
{
    if (kind == SessionStoreKind::Client && !signer)
        throw std::invalid_argument("backend " + m_name + ": signed sessions need a signer");
    m_store = kind;
    m_signer = std::move(signer);
    m_ttl = ttl;
}

RequestHandler::Result RequestHandler::json(const BackendRequest& req, http::status status, const std::string& body) const
{
    Result r;
    r.response = plain(req, status, body + "\n");
    r.response.set(http::field::content_type, "application/json");
    r.response.prepare_payload();
    return r;
}

RequestHandler::Result RequestHandler::loggedIn(const BackendRequest& req, const std::string& id)
{
    Result r = json(req, http::status::ok, nlohmann::json{{"backend", m_name}, {"session", id}}.dump());
    // A signed cookie is the session itself: SameSite=Lax keeps other sites from sending it along.
    r.response.set(http::field::set_cookie, "SESSIONID=" + id + "; Path=/; HttpOnly" +
                                                (m_store == SessionStoreKind::Client ? "; SameSite=Lax" : ""));
    r.response.set("X-Session-Id", id);
    r.response.set("X-Session", "created");
    r.session = SessionOutcome::Created;
    return r;
}

RequestHandler::Result RequestHandler::accountFound(const BackendRequest& req, const std::string& id)
{
    Result r = json(req, http::status::ok, nlohmann::json{{"backend", m_name}, {"session", id}, {"account", "ok"}}.dump());
    r.response.set("X-Session", "hit");
    r.session = SessionOutcome::Hit;
    return r;
}

RequestHandler::Result RequestHandler::accountMissing(const BackendRequest& req, bool hadId)
{
    Result r = json(req, http::status::unauthorized,
                    nlohmann::json{{"backend", m_name}, {"error", hadId ? "unknown session" : "no session"}}.dump());
    r.response.set("X-Session", "miss");
    r.session = SessionOutcome::Miss;
    return r;
}

RequestHandler::Result RequestHandler::storeUnavailable(const BackendRequest& req, const std::string& why)
{
    Result r = json(req, http::status::service_unavailable,
                    nlohmann::json{{"backend", m_name}, {"error", "session store unavailable: " + why}}.dump());
    r.response.set("X-Session", "unavailable");
    r.response.set(http::field::retry_after, "1");
    r.session = SessionOutcome::Unavailable;
    return r;
}

RequestHandler::Result RequestHandler::signedLogin(const BackendRequest& req)
{
    const auto started = std::chrono::steady_clock::now();
    const auto expires = std::chrono::duration_cast<std::chrono::seconds>(
        (std::chrono::system_clock::now() + m_ttl).time_since_epoch()).count();
    const std::string token = m_signer->sign(loginUser(req), expires);
    const auto took = elapsedUs(started);
    Result r = loggedIn(req, token);
    r.storeUs = took;
    return r;
}

RequestHandler::Result RequestHandler::signedAccount(const BackendRequest& req)
{
    const auto token = requestSessionId(req);
    if (!token)
        return accountMissing(req, false);
    const auto started = std::chrono::steady_clock::now();
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch()).count();
    std::string user;
    const SessionSigner::Verdict verdict = m_signer->verify(*token, now, &user);
    const auto took = elapsedUs(started);
    Result r;
    if (verdict == SessionSigner::Verdict::Valid) {
        r = accountFound(req, user);
    } else {
        r = json(req, http::status::unauthorized,
                 nlohmann::json{{"backend", m_name},
                                {"error", std::string(SessionSigner::toString(verdict)) + " session token"}}.dump());
        r.response.set("X-Session", "invalid");
        r.session = SessionOutcome::Invalid;
    }
    r.storeUs = took;
    r.tokenBytes = std::string_view("SESSIONID=").size() + token->size();
    return r;
}

RequestHandler::Result RequestHandler::visitorPage(const BackendRequest& req, SessionOutcome outcome,
                                                   http::status status) const
{
    VisitorPage::Content c;
    c.server = m_name;
    c.region = m_region;
    if (const auto it = req.find("X-Forwarded-For"); it != req.end())
        c.visitor = firstForwardedFor(it->value());
    c.outcome = outcome;
    const auto id = requestSessionId(req);
    c.hadSession = id.has_value();
    if (id)
        c.sessionFrom = sessionOrigin(*id);
    Result r;
    r.response = plain(req, status, VisitorPage::html(c));
    r.response.set(http::field::content_type, "text/html; charset=utf-8");
    r.response.set(http::field::cache_control, "no-store"); // every press is a new request the map shows
    r.session = outcome;
    return r;
}

RequestHandler::Result RequestHandler::forBrowser(const BackendRequest& req, Result result) const
{
    const BackendRoute route = routeOf(req);
    if ((route != BackendRoute::Login && route != BackendRoute::Account) || result.session == SessionOutcome::None ||
        !wantsHtml(req))
        return result;
    Result page = visitorPage(req, result.session, result.response.result());
    // The session's own fields stay as the endpoint wrote them: the balancer and the lab read them.
    for (const auto field : {http::field::set_cookie, http::field::retry_after})
        if (const auto it = result.response.find(field); it != result.response.end())
            page.response.set(field, it->value());
    for (const std::string_view name : {"X-Session", "X-Session-Id"})
        if (const auto it = result.response.find(name); it != result.response.end())
            page.response.set(name, it->value());
    page.response.keep_alive(result.response.keep_alive());
    page.response.prepare_payload();
    page.storeUs = result.storeUs;
    page.tokenBytes = result.tokenBytes;
    return page;
}

RequestHandler::Result RequestHandler::handle(const BackendRequest& req, TimePoint now)
{
    Result r;
    switch (routeOf(req)) {
    case BackendRoute::Health:
        r.response = plain(req, http::status::ok, "ok");
        break;
    case BackendRoute::Search: {
        const std::string loc = queryParam(req.target(), "loc").value_or("");
        const auto results = std::uniform_int_distribution<int>(0, 99)(m_rng);
        r = json(req, http::status::ok,
                 nlohmann::json{{"backend", m_name}, {"region", m_region}, {"loc", loc}, {"results", results}}.dump());
        r.response.set("X-Session", "none");
        break;
    }
    case BackendRoute::Login: {
        if (m_store == SessionStoreKind::Client)
            return signedLogin(req);
        if (m_store == SessionStoreKind::Shared)
            return json(req, http::status::internal_server_error, R"({"error":"a login needs the shared store"})");
        const std::string id = newSessionId();
        m_sessions.create(id, now);
        return loggedIn(req, id);
    }
    case BackendRoute::Account: {
        if (m_store == SessionStoreKind::Client)
            return signedAccount(req);
        if (m_store == SessionStoreKind::Shared)
            return json(req, http::status::internal_server_error, R"({"error":"an account needs the shared store"})");
        const auto id = requestSessionId(req);
        if (id && m_sessions.touch(*id, now))
            return accountFound(req, *id);
        m_sessions.expire(now);
        return accountMissing(req, id.has_value());
    }
    case BackendRoute::VisitorPage:
        return visitorPage(req, SessionOutcome::None, http::status::ok);
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
