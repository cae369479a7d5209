#include "ui/policy_explanations.h"

namespace lblab::ui {

const std::vector<PolicyExplanation>& allPolicyExplanations()
{
    static const std::vector<PolicyExplanation> explanations = {
        {"round-robin", "Round robin", false,
         "Nothing about the request at all: each new request simply goes to the next server in turn, "
         "skipping servers that are down.",
         "Every server gets the same number of requests, so the share bars sit on their ideal ticks. "
         "A logged-in user's requests hop from server to server.",
         "It ignores how busy a server is and who the client is. A slow server still gets its turn, "
         "and any request that needs a server-side session has only a 1-in-N chance of finding it."},
        {"weighted-round-robin", "Weighted round robin", false,
         "Each server's weight: a server with weight 3 gets three turns for every one turn of a server "
         "with weight 1, interleaved smoothly rather than in bursts.",
         "The share bars follow the weights. Change a weight and watch the bars move to the new ideal ticks.",
         "Weights are set by hand. If a server is slower than its weight says, it still receives its full "
         "share and its latency climbs. Sessions are not kept together."},
        {"random", "Random", false,
         "A dice roll per request, nothing else.",
         "Over a long window the shares even out, but over a few seconds they wobble around the ideal ticks.",
         "Short-term imbalance: by chance one server can get a run of requests. Sessions are not kept together."},
        {"least-connections", "Least connections", false,
         "How many requests each server is working on right now: the request goes to the one with the fewest.",
         "Watch the active-connections chart: a slow server accumulates in-flight requests, so it receives "
         "fewer new ones and the others pick up the slack.",
         "It needs an accurate, current count of connections, and a freshly started server can be flooded. "
         "Sessions are not kept together."},
        {"power-of-two", "Power of two choices", false,
         "Two servers picked at random; the request goes to the one with fewer active connections.",
         "Load stays close to even with almost no bookkeeping. Compare its latency with random.",
         "Like every stateless policy, it knows nothing about sessions, so logged-in users miss theirs."},
        {"ip-hash", "IP hash", false,
         "A hash of the client's source address, mapped onto the list of servers. The same address always "
         "lands on the same server while the server list stays the same.",
         "Each client keeps its colour on the map without any table. Kill a server and watch many clients "
         "change colour, not just the ones that were on it.",
         "A client whose address changes (a phone moving networks) lands somewhere else. Many users behind one "
         "NAT address all land on one server. Changing the server list reshuffles most clients."},
        {"url-hash", "URL hash", false,
         "A hash of the request's path and query: the same URL always goes to the same server, which is good "
         "for caches.",
         "All requests for one URL share a colour, whoever sent them. Popular URLs make hot servers.",
         "A very popular URL overloads its server. It says nothing about who the user is, so sessions are lost."},
        {"geo", "Geographic", false,
         "The region the request asks for (the loc= parameter): it goes to a server in that region, "
         "and to another region only when none there is up.",
         "Clients group by region on the map. Kill all servers of a region and watch the fallback decisions.",
         "Regions can be very unequal in traffic, so load follows geography rather than capacity. "
         "It keeps no memory of sessions."},
        {"consistent-hash", "Consistent hash", false,
         "A hash of the client's key placed on a ring of points, several per server; the request goes to the "
         "next server point on the ring.",
         "Kill a server: only the clients that were on it change colour. Compare with ip-hash, where most move.",
         "Still a hash: without enough points per server the load is uneven, and a client whose key changes "
         "(a new IP address) moves."},
        {"source-ip-affinity", "Source-IP affinity", true,
         "A table that pins each client address to the server it first landed on; later requests from that "
         "address follow the pin.",
         "Look at the session table fill with addresses. When a mobile user's IP changes (white flash) it gets "
         "a new pin, its colour changes, and its next account request misses its session.",
         "It pins by address, not by user. A phone that moves to another network loses its server and its "
         "session; many users behind one NAT address all pile onto one server."},
        {"cookie-affinity", "Cookie affinity", true,
         "A cookie the balancer adds to the first answer, naming the chosen server; the browser sends it back "
         "and the balancer follows it (and keeps a pin for each cookie it issued).",
         "Mobile users keep their colour when their IP changes: the cookie travels with them, so no session misses.",
         "It only works for clients that keep cookies. curl without a cookie jar, or a user who clears cookies, "
         "is a new client every time. If the pinned server dies the user is re-pinned and loses the session."},
        {"session-affinity", "Session affinity", true,
         "The application's own session cookie (SESSIONID): the first request that carries a new session id is "
         "pinned to the server that created it, and the balancer remembers that pin.",
         "Logged-in users stick to the server that holds their session, even across IP changes. Anonymous "
         "requests are spread freely.",
         "The balancer must learn the session id from the traffic and keep a table of every live session; "
         "before login there is nothing to stick to, and a dead server's sessions are gone."},
        {"url-param-affinity", "URL-parameter affinity", true,
         "A session id carried in the URL (the sid= parameter), for clients that cannot keep cookies; each id "
         "is pinned to a server in a table.",
         "Users whose links carry sid= stick to one server regardless of their address.",
         "Session ids in URLs leak into logs, bookmarks and shared links, and a request without the parameter "
         "cannot be matched to its session."},
    };
    return explanations;
}

const PolicyExplanation* findPolicyExplanation(std::string_view id)
{
    const QString wanted = QString::fromUtf8(id.data(), static_cast<qsizetype>(id.size()));
    for (const PolicyExplanation& e : allPolicyExplanations())
        if (e.id == wanted)
            return &e;
    return nullptr;
}

QStringList statefulPolicyNames()
{
    QStringList names;
    for (const PolicyExplanation& e : allPolicyExplanations())
        if (e.stateful)
            names << e.name;
    return names;
}

QString sessionStoreNote(SessionStoreKind kind)
{
    switch (kind) {
    case SessionStoreKind::Local: return {};
    case SessionStoreKind::Shared:
        return QStringLiteral(
            "With the sessions in one shared store, where a request lands no longer decides whether its session "
            "is found: the policies' weakness about lost sessions does not apply, and no stickiness is needed. "
            "The store is the new single point of failure.");
    case SessionStoreKind::Client:
        return QStringLiteral(
            "With the session in a signed cookie, neither the balancer nor any server has to remember anything: "
            "any server checks any user's cookie, so no policy can lose a session, and no server's death can.");
    }
    return {};
}

} // namespace lblab::ui
