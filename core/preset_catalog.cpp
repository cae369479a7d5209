#include "core/preset_catalog.h"

namespace lblab {

namespace {

std::vector<ServerSpec> equalServers(int n, double serviceTimeMs = 2.0)
{
    std::vector<ServerSpec> servers;
    for (int i = 1; i <= n; ++i) {
        ServerSpec s;
        s.name = "s" + std::to_string(i);
        s.serviceTimeMs = serviceTimeMs;
        servers.push_back(s);
    }
    return servers;
}

ClientGroupSpec group(std::string name, int count, ClientBehaviour behaviour)
{
    ClientGroupSpec g;
    g.name = std::move(name);
    g.count = count;
    g.behaviour = behaviour;
    return g;
}

LabConfig preset(std::string name, std::string title, std::string shows, std::string watch)
{
    LabConfig c;
    c.preset = std::move(name);
    c.title = std::move(title);
    c.whatItShows = std::move(shows);
    c.whatToWatch = std::move(watch);
    return c;
}

std::vector<LabConfig> makePresets()
{
    std::vector<LabConfig> all;

    {
        LabConfig c = preset("round-robin-basics", "Round robin over three equal servers",
                             "A stateless balancer decides each request on its own: round robin hands them out "
                             "in turn, so three equal servers get a third each.",
                             "Every tile changes colour from request to request; the share bars sit on the "
                             "ideal third.");
        c.servers = equalServers(3);
        c.clients = {group("shoppers", 50, ClientBehaviour::Anonymous)};
        c.policy = "round-robin";
        c.requestRate = 200;
        all.push_back(c);
    }
    {
        LabConfig c = preset("search-by-location", "Searching by location: the geo policy",
                             "A stateless decision can still use request data: the user's region (a header or "
                             "the ?loc= parameter) picks a server in that region, no session needed.",
                             "Users of one region all take that region's colour; kill s2 (us) and its users "
                             "fall back to the others.");
        c.servers = equalServers(3);
        c.servers[0].region = "eu";
        c.servers[1].region = "us";
        c.servers[2].region = "asia";
        ClientGroupSpec g = group("searchers", 60, ClientBehaviour::Anonymous);
        g.region = "mixed";
        c.clients = {g};
        c.policy = "geo";
        c.requestRate = 200;
        all.push_back(c);
    }
    {
        LabConfig c = preset("login-round-robin", "Logged-in users under round robin",
                             "Sessions live on the server that handled the login. A stateless policy sends the "
                             "next request anywhere, so most account pages land where the session is not.",
                             "Red miss marks all over the map; the session-miss line stays near two thirds.");
        c.servers = equalServers(3);
        c.clients = {group("members", 60, ClientBehaviour::Login)};
        c.policy = "round-robin";
        c.requestRate = 200;
        all.push_back(c);
    }
    {
        LabConfig c = preset("login-source-ip", "Logged-in users pinned by source address",
                             "Stateful balancing: the balancer remembers which server each address went to "
                             "and sends it there again, so the session is always found.",
                             "Pin marks appear on every tile, colours stop changing, and misses drop to zero.");
        c.servers = equalServers(3);
        c.clients = {group("members", 60, ClientBehaviour::Login)};
        c.policy = "source-ip-affinity";
        c.requestRate = 200;
        all.push_back(c);
    }
    {
        LabConfig c = preset("mobile-source-ip", "Phones on the move under source-IP affinity",
                             "Source-IP affinity pins an address, not a person. When a phone changes network it "
                             "gets a new address, the balancer sees a stranger, and the session is lost.",
                             "Watch a tile flash (new address), change colour, then show a red miss.");
        c.servers = equalServers(3);
        ClientGroupSpec g = group("phones", 60, ClientBehaviour::Login);
        g.ipChangeMeanSeconds = 4;
        c.clients = {g};
        c.policy = "source-ip-affinity";
        c.requestRate = 200;
        all.push_back(c);
    }
    {
        LabConfig c = preset("mobile-cookie", "Phones on the move under cookie affinity",
                             "Session affinity follows an identifier the client carries (here the balancer's "
                             "own cookie), so a new address changes nothing.",
                             "Tiles flash on address changes but keep their colour; no misses.");
        c.servers = equalServers(3);
        ClientGroupSpec g = group("phones", 60, ClientBehaviour::Login);
        g.ipChangeMeanSeconds = 4;
        c.clients = {g};
        c.policy = "cookie-affinity";
        c.requestRate = 200;
        all.push_back(c);
    }
    {
        LabConfig c = preset("url-param-session", "Session id in the URL",
                             "Clients that refuse cookies carry the session id in the URL (?sid=). The balancer "
                             "learns the id from the login answer and routes on it, whatever the address.",
                             "Session keys in the table are the application's ids; tiles keep their colour "
                             "through address changes.");
        c.servers = equalServers(3);
        ClientGroupSpec g = group("cookieless", 60, ClientBehaviour::Login);
        g.carrier = SessionCarrier::UrlParam;
        g.ipChangeMeanSeconds = 5;
        c.clients = {g};
        c.policy = "url-param-affinity";
        c.requestRate = 200;
        all.push_back(c);
    }
    {
        LabConfig c = preset("nat-skew", "Many users behind one address (NAT)",
                             "An office or carrier NAT puts many people behind one address. Source-IP affinity "
                             "treats them as one client, so one server carries all of them.",
                             "One server's share bar towers over the ideal; Jain's fairness falls.");
        c.servers = equalServers(3);
        ClientGroupSpec office = group("office (NAT)", 45, ClientBehaviour::Login);
        office.natGroupSize = 45;
        c.clients = {office, group("home users", 15, ClientBehaviour::Login)};
        c.policy = "source-ip-affinity";
        c.requestRate = 240;
        all.push_back(c);
    }
    {
        LabConfig c = preset("server-failure", "A server dies with sessions on it",
                             "Pinned users depend on their server. When it dies the balancer must re-pin them "
                             "elsewhere, and their sessions are gone with it.",
                             "At 5 s s2 is killed: its tiles turn to other colours with miss marks, re-pins "
                             "count up; at 15 s it comes back.");
        c.servers = equalServers(3);
        c.clients = {group("members", 60, ClientBehaviour::Login)};
        c.policy = "cookie-affinity";
        c.requestRate = 200;
        TimelineStep kill;
        kill.atSeconds = 5;
        kill.action = TimelineStep::Action::KillServer;
        kill.target = "s2";
        TimelineStep restore;
        restore.atSeconds = 15;
        restore.action = TimelineStep::Action::RestoreServer;
        restore.target = "s2";
        c.timeline = {kill, restore};
        all.push_back(c);
    }
    {
        LabConfig c = preset("scale-out", "Adding a server: who has to move?",
                             "Adding a fourth server moves clients. Hashing mod N moves about three in four; a "
                             "consistent-hash ring moves about one in four; a sticky table moves none.",
                             "At 5 s s4 joins: count the tiles that change colour and the remapped-clients "
                             "figure. Run it with --policy consistent-hash and source-ip-affinity to compare.");
        c.servers = equalServers(3);
        c.clients = {group("visitors", 80, ClientBehaviour::Anonymous)};
        c.policy = "ip-hash";
        c.requestRate = 240;
        TimelineStep add;
        add.atSeconds = 5;
        add.action = TimelineStep::Action::AddServer;
        add.target = "s4";
        c.timeline = {add};
        all.push_back(c);
    }
    return all;
}

} // namespace

const std::vector<LabConfig>& PresetCatalog::all()
{
    static const std::vector<LabConfig> presets = makePresets();
    return presets;
}

const LabConfig* PresetCatalog::find(std::string_view name)
{
    for (const auto& p : all())
        if (p.preset == name)
            return &p;
    return nullptr;
}

const LabConfig& PresetCatalog::defaultPreset() { return all().front(); }

} // namespace lblab
