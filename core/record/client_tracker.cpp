#include "core/record/client_tracker.h"

#include <algorithm>
#include <functional>

namespace lblab {

namespace {

constexpr std::string_view kOutsideGroup = "outside";

} // namespace

ClientTracker::ClientTracker(Options options) : m_options(options) {}

ClientTracker::Track* ClientTracker::find(const std::string& id, bool create, bool external,
                                          std::string_view group, Ipv4 ip)
{
    if (auto it = m_index.find(id); it != m_index.end())
        return &m_tracks[it->second];
    if (!create)
        return nullptr;
    if (m_tracks.size() >= m_options.capacity) {
        // Counting distinct ids needs memory too; past its own bound the count is a lower bound.
        if (m_untracked.size() < 4 * std::max<std::size_t>(m_options.capacity, 1024) &&
            m_untracked.insert(std::hash<std::string>{}(id)).second)
            ++m_untrackedCount;
        return nullptr;
    }
    Track track{ClientView{}, ClientStoryLog(m_options.storyEntries)};
    track.view.id = id;
    track.view.group = std::string(group);
    track.view.ip = ip;
    track.view.external = external;
    m_index.emplace(id, m_tracks.size());
    m_tracks.push_back(std::move(track));
    return &m_tracks.back();
}

void ClientTracker::registerClient(const std::string& id, const std::string& group, Ipv4 ip)
{
    Track* c = find(id, true, false, group, ip);
    if (!c)
        return;
    c->view.group = group;
    c->view.ip = ip;
    c->view.external = false;
}

namespace {

/// True when the decision places the client itself (a hash of its key, a pin), so landing elsewhere
/// is news: a remap, a re-pin, a broken affinity. Round robin, random, least connections and the like
/// place each request anew; under them every client changes server all the time, and marking that
/// would drown the moves a change causes.
bool placesTheClient(DecisionKind kind)
{
    switch (kind) {
    case DecisionKind::Hash:
    case DecisionKind::GeoFallback:
    case DecisionKind::Pinned:
    case DecisionKind::NewPin:
    case DecisionKind::Repinned:
    case DecisionKind::Retried: return true;
    default: return false;
    }
}

} // namespace

ClientTracker::Outcome ClientTracker::record(const RequestEvent& e)
{
    Outcome outcome;
    Track* c = find(e.clientId, true, true, kOutsideGroup, e.clientIp);
    if (!c)
        return outcome;
    ClientView& v = c->view;
    if (e.backend >= 0) {
        if (c->ipChangePending) {
            c->ipChangePending = false;
            outcome.affinityBreak = c->backendBeforeChange >= 0 && e.backend != c->backendBeforeChange;
            if (outcome.affinityBreak)
                outcome.movedFrom = c->backendBeforeChange;
        }
        if (c->remapArmed) {
            c->remapArmed = false;
            outcome.remapped = c->lastBackend >= 0 && e.backend != c->lastBackend;
            if (outcome.remapped && outcome.movedFrom < 0)
                outcome.movedFrom = c->lastBackend;
        }
        if (c->lastBackend >= 0 && e.backend != c->lastBackend && placesTheClient(e.decision)) {
            v.movedUs = e.tUs;
            v.movedFrom = c->lastBackend;
        }
        c->lastBackend = e.backend;
    }
    v.ip = e.clientIp;
    v.sessionKey = e.sessionKey;
    v.backend = e.backend;
    v.decision = e.decision;
    v.status = e.status;
    v.session = e.session;
    v.reason = e.reason;
    v.why = e.why; // empty on the builtin balancer's path: no allocation
    ++v.requests;
    v.lastUs = e.tUs;
    if (lostSession(e.session))
        v.missUs = e.tUs;
    c->story.recordRequest(e);
    return outcome;
}

void ClientTracker::recordIpChange(const std::string& id, Ipv4 from, Ipv4 to, std::int64_t tUs)
{
    Track* c = find(id, true, false, "", to);
    if (!c)
        return;
    c->view.ip = to;
    c->view.ipChangedUs = tUs;
    c->story.recordIpChange(from, to, tUs);
    // Several changes before the next request still compare with the backend before the first.
    if (!c->ipChangePending) {
        c->ipChangePending = true;
        c->backendBeforeChange = c->lastBackend;
    }
}

void ClientTracker::markTopologyChange()
{
    for (Track& c : m_tracks)
        if (c.lastBackend >= 0)
            c.remapArmed = true;
}

void ClientTracker::fill(std::vector<ClientView>& out) const
{
    out.reserve(out.size() + m_tracks.size());
    for (const Track& c : m_tracks)
        if (!c.view.external)
            out.push_back(c.view);
    for (const Track& c : m_tracks)
        if (c.view.external)
            out.push_back(c.view);
}

ClientStory ClientTracker::story(const std::string& id) const
{
    ClientStory out;
    out.clientId = id;
    if (auto it = m_index.find(id); it != m_index.end())
        m_tracks[it->second].story.fill(out);
    return out;
}

} // namespace lblab
