#pragma once

#include "core/backend/session_store.h"
#include "core/base/clock.h"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>

namespace lblab {

/// The HTTP request a backend reads.
using BackendRequest = boost::beast::http::request<boost::beast::http::string_body>;
/// The HTTP response a backend writes.
using BackendResponse = boost::beast::http::response<boost::beast::http::string_body>;

/// What a request meant for the session store.
enum class SessionOutcome : std::uint8_t { None, Created, Hit, Miss };

/// Which endpoint a request is for.
enum class BackendRoute : std::uint8_t { Health, Search, Login, Account, NotFound, MethodNotAllowed };

/// First address of an X-Forwarded-For value ("1.2.3.4, 5.6.7.8" -> "1.2.3.4"), trimmed; empty if none.
std::string firstForwardedFor(std::string_view header);
/// The session id a request carries: the SESSIONID cookie, else the `sid` query parameter.
std::optional<std::string> requestSessionId(const BackendRequest& req);
/// Which endpoint `req` asks for.
BackendRoute routeOf(const BackendRequest& req);

/// The application logic of one backend, without sockets or timers: routes a parsed request,
/// keeps the sessions and the distinct client addresses, and builds the answer. Not thread-safe.
class RequestHandler {
public:
    /// The answer to one request and what it did to the sessions.
    struct Result {
        BackendResponse response;     ///< ready to write (Content-Length set)
        SessionOutcome session = SessionOutcome::None; ///< created, hit or miss
    };

    /// Makes the handler of backend `name` (in `region`), seeded for its fake result counts.
    RequestHandler(std::string name, std::string region, std::uint64_t seed,
                   std::size_t sessionCapacity = 200'000, std::size_t peerCapacity = 65'536);

    /// Answers `req` at `now` (the session store is consulted and updated).
    Result handle(const BackendRequest& req, TimePoint now);
    /// A plain answer with `status` and `body`, carrying X-Backend and honouring keep-alive of `req`.
    BackendResponse plain(const BackendRequest& req, boost::beast::http::status status, std::string body) const;
    /// A 400 (or 413/431 given as `status`) for a request that could not be parsed; always closes.
    BackendResponse badRequest(std::string_view why,
                               boost::beast::http::status status = boost::beast::http::status::bad_request) const;
    /// Remembers the client address of `req` (X-Forwarded-For); the set is bounded.
    void recordPeer(const BackendRequest& req);
    /// Distinct client addresses seen (saturates at the peer capacity).
    std::size_t distinctPeers() const { return m_peers.size(); }
    /// Makes a new globally unique session id ("s2-7f3a9c01e2d4b6a8").
    std::string newSessionId();
    /// The sessions this backend holds.
    SessionStore& sessions() { return m_sessions; }
    /// The sessions this backend holds.
    const SessionStore& sessions() const { return m_sessions; }
    /// The backend's name.
    const std::string& name() const { return m_name; }

private:
    std::string m_name;
    std::string m_region;
    std::mt19937_64 m_rng;
    SessionStore m_sessions;
    std::size_t m_peerCapacity;
    std::unordered_set<std::string> m_peers;
};

} // namespace lblab
