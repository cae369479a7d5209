#pragma once

#include "core/backend/session_store.h"
#include "core/base/clock.h"
#include "core/request_event.h"
#include "core/store/session_store_kind.h"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
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

class SessionSigner;

/// Which endpoint a request is for.
enum class BackendRoute : std::uint8_t { Health, Search, Login, Account, NotFound, MethodNotAllowed, VisitorPage };

/// First address of an X-Forwarded-For value ("1.2.3.4, 5.6.7.8" -> "1.2.3.4"), trimmed; empty if none.
std::string firstForwardedFor(std::string_view header);
/// The session id a request carries: the SESSIONID cookie, else the `sid` query parameter.
std::optional<std::string> requestSessionId(const BackendRequest& req);
/// Which endpoint `req` asks for. GET / is the visitor page for a browser (wantsHtml), else not found.
BackendRoute routeOf(const BackendRequest& req);
/// True when the request's Accept field names text/html (a browser's navigation; not curl's */*, not the fleet).
bool wantsHtml(const BackendRequest& req);
/// The backend that made session `id` ("s2" for "s2-7f3a9c01e2d4b6a8"); "" when the id is not of that
/// form (e.g. a signed token, which any backend can check).
std::string sessionOrigin(std::string_view id);
/// The user a login names (the form field `user`), or "user" when it names none or an unusable one.
std::string loginUser(const BackendRequest& req);

/// The application logic of one backend, without sockets or timers: routes a parsed request,
/// keeps the sessions and the distinct client addresses, and builds the answer. Not thread-safe.
/// Sessions live where `store` says: in this handler (local), in signed cookies it makes and checks
/// with `signer` (client), or in Redis (shared: the caller does the store call and builds the answer
/// with loggedIn(), accountFound(), accountMissing() and storeUnavailable()).
class RequestHandler {
public:
    /// The answer to one request and what it did to the sessions.
    struct Result {
        BackendResponse response;     ///< ready to write (Content-Length set)
        SessionOutcome session = SessionOutcome::None; ///< created, hit, miss, invalid, unavailable
        std::optional<std::uint32_t> storeUs; ///< client: the time signing or checking the cookie took
        std::size_t tokenBytes = 0;   ///< client: the bytes of the signed cookie the request carried
    };

    /// Makes the handler of backend `name` (in `region`), seeded for its fake result counts.
    RequestHandler(std::string name, std::string region, std::uint64_t seed,
                   std::size_t sessionCapacity = 200'000, std::size_t peerCapacity = 65'536);
    /// Sessions go where `kind` says; `signer` is needed for Client; `ttl` is their lifetime there.
    void useStore(SessionStoreKind kind, std::shared_ptr<const SessionSigner> signer = {},
                  std::chrono::seconds ttl = std::chrono::minutes(30));
    /// Where sessions live.
    SessionStoreKind store() const { return m_store; }

    /// Answers `req` at `now`. Local and client stores complete here; under the shared store a login
    /// or an account request is the caller's (it answers 500 "needs the shared store" if sent here).
    Result handle(const BackendRequest& req, TimePoint now);

    /// Shared store: the login made session `id` (stored): 200, its cookie, X-Session: created.
    Result loggedIn(const BackendRequest& req, const std::string& id);
    /// Shared store: the account's session `id` was found: 200, X-Session: hit.
    Result accountFound(const BackendRequest& req, const std::string& id);
    /// The account's session is not held (`hadId`: the request named one): 401, X-Session: miss.
    Result accountMissing(const BackendRequest& req, bool hadId);
    /// Shared store: the store did not answer (`why`): 503, X-Session: unavailable, Retry-After: 1.
    Result storeUnavailable(const BackendRequest& req, const std::string& why);
    /// For a browser (wantsHtml) a login or account answer becomes the visitor page saying what happened
    /// ("Logged in on s2.", "Session missing on s3 (you were logged in on s2)."), with the same status,
    /// cookies and X-Session; any other request or answer is returned as it is.
    Result forBrowser(const BackendRequest& req, Result result) const;
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
    SessionStoreKind m_store = SessionStoreKind::Local;
    std::shared_ptr<const SessionSigner> m_signer;
    std::chrono::seconds m_ttl{1800};

    Result json(const BackendRequest& req, boost::beast::http::status status, const std::string& body) const;
    Result signedLogin(const BackendRequest& req);
    Result signedAccount(const BackendRequest& req);
    Result visitorPage(const BackendRequest& req, SessionOutcome outcome, boost::beast::http::status status) const;
};

} // namespace lblab
