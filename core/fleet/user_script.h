#pragma once

#include "core/fleet/cookie_jar.h"
#include "core/config/lab_config.h"

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>
#include <string_view>

namespace lblab {

/// What one virtual user asks next and how answers change it: the behaviour as a state machine,
/// with no sockets, so it is testable on its own. VirtualUser does the I/O around it.
class UserScript {
public:
    /// Where the user is in its behaviour.
    enum class Phase : std::uint8_t {
        Browsing,  ///< anonymous: GET /search
        NeedLogin, ///< next request is POST /login
        LoggedIn,  ///< next request is GET /account with the session
    };

    /// A user named `id` (sent as X-LBLab-Client) in `region`.
    UserScript(std::string id, ClientBehaviour behaviour, SessionCarrier carrier, std::string region);

    /// The next request for the balancer at `host` ("127.0.0.1:8080"); remembers what it asked.
    boost::beast::http::request<boost::beast::http::string_body> nextRequest(std::string_view host);
    /// Takes the answer to the last request from nextRequest().
    void onResponse(const boost::beast::http::response_header<>& response);
    /// The last request got no answer (error or timeout); the state stays as it was.
    void onFailure();

    /// Where the user is.
    Phase phase() const { return m_phase; }
    /// Its cookies (always empty for the UrlParam carrier).
    const CookieJar& cookies() const { return m_jar; }
    /// Session id carried in the URL (UrlParam carrier only).
    const std::string& sessionId() const { return m_sessionId; }
    /// Logins it has sent.
    std::uint64_t logins() const { return m_logins; }
    /// Its id.
    const std::string& id() const { return m_id; }
    /// Its region.
    const std::string& region() const { return m_region; }

private:
    enum class Asked : std::uint8_t { Nothing, Search, Login, Account };

    std::string m_id;
    ClientBehaviour m_behaviour;
    SessionCarrier m_carrier;
    std::string m_region;
    Phase m_phase;
    Asked m_asked = Asked::Nothing;
    CookieJar m_jar;
    std::string m_sessionId;
    std::uint64_t m_logins = 0;
};

} // namespace lblab
