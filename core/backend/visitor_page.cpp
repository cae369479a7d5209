#include "core/backend/visitor_page.h"

namespace lblab {

namespace {

// Large type and full-width buttons: it is read on a phone, often at arm's length in a classroom.
constexpr std::string_view kStyle =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;padding:1.2em 1em;"
    "background:#f4f6f9;color:#1b2330;text-align:center}"
    ".lead{font-size:1.1em;color:#4a5463;margin:0}"
    ".server{font-size:6em;font-weight:800;line-height:1.05;margin:.05em 0;letter-spacing:.02em;"
    "overflow-wrap:anywhere}"
    ".result{font-size:1.3em;padding:.7em;border-radius:.5em;margin:.9em auto;max-width:24em}"
    ".good{background:#d9f2e0;color:#134d26}.bad{background:#fbe0dd;color:#7a1a12}.info{background:#e3ebf8}"
    ".addr{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:1.25em;overflow-wrap:anywhere}"
    "form{margin:.5em auto;max-width:24em}"
    "button{font-size:1.35em;width:100%;padding:.85em;border:0;border-radius:.5em;background:#2458c4;"
    "color:#fff;font-weight:600}"
    "button.quiet{background:#d5dbe5;color:#1b2330}"
    ".hint{color:#4a5463;font-size:1em;max-width:26em;margin:1.2em auto 0}";

std::string sessionSuffix(const VisitorPage::Content& c)
{
    if (!c.sessionFrom.empty())
        return " (you were logged in on " + c.sessionFrom + ")";
    return c.hadSession ? std::string(" (your session is from another server)") : std::string(": you are not logged in");
}

/// The result box's colour class.
std::string_view toneOf(SessionOutcome outcome)
{
    switch (outcome) {
    case SessionOutcome::Created:
    case SessionOutcome::Hit: return "good";
    case SessionOutcome::None: return "info";
    default: return "bad";
    }
}

} // namespace

std::string VisitorPage::escape(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string VisitorPage::resultText(const Content& c)
{
    switch (c.outcome) {
    case SessionOutcome::None:
        if (!c.hadSession)
            return {};
        return c.sessionFrom.empty() ? "You have a session." : "You are logged in on " + c.sessionFrom + ".";
    case SessionOutcome::Created: return "Logged in on " + c.server + ".";
    case SessionOutcome::Hit: return "Your account on " + c.server + ": session found.";
    case SessionOutcome::Miss: return "Session missing on " + c.server + sessionSuffix(c) + ".";
    case SessionOutcome::Invalid: return c.server + " refused your session token (expired or altered).";
    case SessionOutcome::Unavailable: return c.server + " could not reach the session store: try again.";
    }
    return {};
}

std::string VisitorPage::html(const Content& c)
{
    std::string out;
    out.reserve(4096);
    out += "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<link rel=\"icon\" href=\"data:,\">"; // no /favicon.ico request on the lab's map
    out += "<title>LB Lab: " + escape(c.server) + "</title><style>";
    out += kStyle;
    out += "</style></head><body>\n";
    out += "<p class=\"lead\">This answer came from server</p>\n";
    out += "<div class=\"server\">" + escape(c.server) + "</div>\n";
    if (!c.region.empty())
        out += "<p class=\"lead\">region " + escape(c.region) + "</p>\n";
    if (const std::string result = resultText(c); !result.empty())
        out += "<div class=\"result " + std::string(toneOf(c.outcome)) + "\">" + escape(result) + "</div>\n";
    out += "<p>Your address, as the balancer saw it:<br><span class=\"addr\">" +
           (c.visitor.empty() ? std::string("not forwarded (you reached the server directly)") : escape(c.visitor)) +
           "</span></p>\n";
    out += "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"user\" value=\"visitor\">"
           "<button type=\"submit\">Log in</button></form>\n"
           "<form method=\"get\" action=\"/account\"><button type=\"submit\">My account</button></form>\n"
           "<form method=\"get\" action=\"/\"><button type=\"submit\" class=\"quiet\">Ask again</button></form>\n";
    out += "<p class=\"hint\">Every press is a new request, and the balancer chooses a server for each one. Log in, "
           "then press My account: does the server that answers know your session? When your address changes "
           "(another network), try again.</p>\n";
    out += "</body></html>\n";
    return out;
}

} // namespace lblab
