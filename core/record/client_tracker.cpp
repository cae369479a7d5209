#include "core/record/client_tracker.h"

#include <algorithm>
#include <functional>

namespace lblab {

namespace {

constexpr std::string_view kOutsideGroup = "outside";

} // namespace

ClientTracker::ClientTracker(Options options) : m_options(options) {}

ClientTracker::ClientTracker(const ClientTracker& other)
    : m_options(other.m_options), m_tracks(other.m_tracks), m_groups(other.m_groups),
      m_untracked(other.m_untracked), m_untrackedCount(other.m_untrackedCount)
{
    reindex();
}

ClientTracker& ClientTracker::operator=(const ClientTracker& other)
{
    if (this != &other) {
        m_options = other.m_options;
        m_tracks = other.m_tracks;
        m_groups = other.m_groups;
        m_untracked = other.m_untracked;
        m_untrackedCount = other.m_untrackedCount;
        reindex();
    }
    return *this;
}

void ClientTracker::reindex()
{
    m_index.clear();
    for (std::size_t i = 0; i < m_tracks.size(); ++i)
        m_index.insert(m_tracks[i].state.id, static_cast<std::uint32_t>(i), ids());
}

std::uint16_t ClientTracker::groupIndex(std::string_view group)
{
    for (std::size_t i = 0; i < m_groups.size(); ++i)
        if (m_groups[i] == group)
            return static_cast<std::uint16_t>(i);
    // Groups come from the scenario (a handful); past the index's range the last one is shared.
    if (m_groups.size() > 0xFFFF)
        return 0xFFFF;
    m_groups.emplace_back(group);
    return static_cast<std::uint16_t>(m_groups.size() - 1);
}

ClientTracker::Track* ClientTracker::find(const std::string& id, bool create, bool external,
                                          std::string_view group, Ipv4 ip)
{
    if (const std::uint32_t n = m_index.find(id, ids()); n != ClientIdIndex::kNone)
        return &m_tracks[n];
    if (!create)
        return nullptr;
    if (m_tracks.size() >= std::min<std::size_t>(m_options.capacity, ClientIdIndex::kNone - 1)) {
        // Counting distinct ids needs memory too; past its own bound the count is a lower bound.
        if (m_untracked.size() < 4 * std::max<std::size_t>(m_options.capacity, 1024) &&
            m_untracked.insert(std::hash<std::string>{}(id)).second)
            ++m_untrackedCount;
        return nullptr;
    }
    Track& track = m_tracks.emplace_back(Track{ClientState{}, 0, false, false, -1, -1,
                                               ClientStoryLog(m_options.storyEntries)});
    track.state.id = id;
    track.group = groupIndex(group);
    track.state.ip = ip;
    track.state.external = external;
    m_index.insert(track.state.id, static_cast<std::uint32_t>(m_tracks.size() - 1), ids());
    return &track;
}

void ClientTracker::registerClient(const std::string& id, const std::string& group, Ipv4 ip)
{
    Track* c = find(id, true, false, group, ip);
    if (!c)
        return;
    c->group = groupIndex(group);
    c->state.ip = ip;
    c->state.external = false;
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
    ClientState& v = c->state;
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
    v.backend = e.backend;
    v.decision = e.decision;
    v.status = e.status;
    v.session = e.session;
    ++v.requests;
    v.lastUs = e.tUs;
    if (lostSession(e.session))
        v.missUs = e.tUs;
    c->story.recordRequest(e); // and its key and why, kept there once
    return outcome;
}

void ClientTracker::recordIpChange(const std::string& id, Ipv4 from, Ipv4 to, std::int64_t tUs)
{
    Track* c = find(id, true, false, "", to);
    if (!c)
        return;
    c->state.ip = to;
    c->state.ipChangedUs = tUs;
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
    const auto add = [this, &out](const Track& c) {
        ClientView& v = out.emplace_back();
        static_cast<ClientState&>(v) = c.state;
        v.group = m_groups[c.group];
        if (auto last = c.story.lastRequest()) {
            v.sessionKey = std::move(last->sessionKey);
            v.reason = last->reason;
            v.why = std::move(last->why);
        }
    };
    for (const Track& c : m_tracks)
        if (!c.state.external)
            add(c);
    for (const Track& c : m_tracks)
        if (c.state.external)
            add(c);
}

ClientStory ClientTracker::story(const std::string& id) const
{
    ClientStory out;
    out.clientId = id;
    if (const std::uint32_t n = m_index.find(id, ids()); n != ClientIdIndex::kNone)
        m_tracks[n].story.fill(out);
    return out;
}

} // namespace lblab
