#include "core/fleet/user_script.h"

#include "core/base/text.h"

#include <boost/beast/http/field.hpp>

namespace lblab {

namespace http = boost::beast::http;

namespace {
constexpr std::string_view kSessionCookie = "SESSIONID";
constexpr std::size_t kMaxSessionIdLength = 256;
} // namespace

UserScript::UserScript(std::string id, ClientBehaviour behaviour, SessionCarrier carrier, std::string region)
    : m_id(std::move(id))
    , m_behaviour(behaviour)
    , m_carrier(carrier)
    , m_region(std::move(region))
    , m_phase(behaviour == ClientBehaviour::Login ? Phase::NeedLogin : Phase::Browsing)
{
}

http::request<http::string_body> UserScript::nextRequest(std::string_view host)
{
    http::request<http::string_body> req;
    req.version(11);
    switch (m_phase) {
    case Phase::Browsing:
        req.method(http::verb::get);
        req.target("/search?loc=" + percentEncode(m_region));
        m_asked = Asked::Search;
        break;
    case Phase::NeedLogin:
        req.method(http::verb::post);
        req.target("/login");
        req.set(http::field::content_type, "application/x-www-form-urlencoded");
        req.body() = "user=" + percentEncode(m_id);
        m_asked = Asked::Login;
        ++m_logins;
        break;
    case Phase::LoggedIn:
        req.method(http::verb::get);
        if (m_carrier == SessionCarrier::UrlParam)
            req.target("/account?sid=" + percentEncode(m_sessionId));
        else
            req.target("/account");
        m_asked = Asked::Account;
        break;
    }
    req.set(http::field::host, host);
    req.set(http::field::user_agent, "lblab-fleet");
    req.set(http::field::connection, "keep-alive");
    req.set("X-LBLab-Client", m_id);
    req.set("X-Region", m_region);
    if (m_carrier == SessionCarrier::Cookie && m_jar.size() > 0)
        req.set(http::field::cookie, m_jar.header());
    req.prepare_payload();
    return req;
}

void UserScript::onResponse(const http::response_header<>& response)
{
    std::string cookieSession;
    for (auto it = response.find(http::field::set_cookie);
         it != response.end() && it->name() == http::field::set_cookie; ++it) {
        const std::string_view value = it->value();
        if (m_carrier == SessionCarrier::Cookie) {
            m_jar.store(value);
        } else {
            // The URL carrier never keeps cookies, but may learn its session id from one.
            CookieJar once;
            once.store(value);
            if (auto sid = once.get(kSessionCookie))
                cookieSession = *sid;
        }
    }

    const unsigned status = response.result_int();
    const Asked asked = m_asked;
    m_asked = Asked::Nothing;
    if (asked == Asked::Login && status >= 200 && status < 300) {
        if (m_carrier == SessionCarrier::UrlParam) {
            std::string sid(response["X-Session-Id"]);
            if (sid.empty())
                sid = cookieSession;
            if (!sid.empty() && sid.size() <= kMaxSessionIdLength) {
                m_sessionId = std::move(sid);
                m_phase = Phase::LoggedIn;
            }
        } else {
            m_phase = Phase::LoggedIn;
        }
    } else if (asked == Asked::Account && status == 401) {
        // The backend that answered does not hold the session: it is lost, log in again.
        m_phase = Phase::NeedLogin;
        m_sessionId.clear();
    }
}

void UserScript::onFailure()
{
    m_asked = Asked::Nothing;
}

} // namespace lblab
