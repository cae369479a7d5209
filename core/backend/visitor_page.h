#pragma once

#include "core/request_event.h"

#include <string>
#include <string_view>

namespace lblab {

/// The small HTML page a backend gives a browser (a phone that joined the lab, a laptop at the
/// balancer's URL): the server's name in large type, the visitor's address as the balancer saw it,
/// what the last login or account request did, and Log in / My account buttons that post to the
/// real session endpoints. Self-contained (no scripts, no outside resources), every value escaped.
class VisitorPage {
public:
    /// What the page shows.
    struct Content {
        std::string server;    ///< the backend that answered, e.g. "s2"
        std::string region;    ///< its region ("" for none)
        std::string visitor;   ///< the client's address from X-Forwarded-For ("" when not forwarded)
        SessionOutcome outcome = SessionOutcome::None; ///< None: a plain visit; else the login or account answer
        bool hadSession = false;   ///< the request carried a session cookie
        std::string sessionFrom;   ///< the backend that made that session ("" unknown, e.g. a signed token)
    };

    /// The page for `content` (UTF-8 HTML).
    static std::string html(const Content& content);
    /// The one-line result the page shows, e.g. "Logged in on s2." or
    /// "Session missing on s3 (you were logged in on s2)."; "" for a plain visit with no session.
    static std::string resultText(const Content& content);
    /// `text` with &, <, >, " and ' replaced by character references.
    static std::string escape(std::string_view text);
};

} // namespace lblab
