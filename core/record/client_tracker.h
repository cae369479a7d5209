#pragma once

#include "core/record/client_id_index.h"
#include "core/record/client_story_log.h"
#include "core/base/ipv4.h"
#include "core/request_event.h"
#include "core/lab/snapshot.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace lblab {

/// The capture's view of each client: its ClientView for the map, its story, and what its
/// requests mean across time (an affinity break after an address change, a remap after a
/// topology change, a move to another server). Bounded: beyond `capacity` clients are counted,
/// not tracked. Not thread-safe: the capture calls it under its lock.
class ClientTracker {
public:
    /// Bounds.
    struct Options {
        std::size_t capacity = 20000;   ///< clients tracked
        std::size_t storyEntries = ClientStoryLog::kDefaultCapacity; ///< story entries per client
    };

    /// What one request did to its client, for the lab-wide counters.
    struct Outcome {
        bool affinityBreak = false;     ///< moved to another server after an address change
        bool remapped = false;          ///< moved to another server after a topology change
        int movedFrom = -1;             ///< the server it left, when it moved (-1: it did not)
    };

    /// Tracks no client yet.
    explicit ClientTracker(Options options);
    /// A copy (the replay keeps checkpoints) indexes its own tracks.
    ClientTracker(const ClientTracker& other);
    ClientTracker& operator=(const ClientTracker& other);
    /// A move keeps the tracks where they are, and so the index.
    ClientTracker(ClientTracker&&) noexcept = default;
    ClientTracker& operator=(ClientTracker&&) noexcept = default;

    /// Makes a generated user known before its first request, so the map can show it.
    void registerClient(const std::string& id, const std::string& group, Ipv4 ip);
    /// Accounts one request (an unknown id is an outside client).
    Outcome record(const RequestEvent& event);
    /// A user's address changed; its next routed request tells whether affinity broke.
    void recordIpChange(const std::string& id, Ipv4 from, Ipv4 to, std::int64_t tUs);
    /// The server set or the policy changed: each client's next server is compared with its last.
    void markTopologyChange();
    /// Appends every tracked client: generated users first, then outside clients.
    void fill(std::vector<ClientView>& out) const;
    /// The story of client `id` (empty entries if it is not tracked).
    ClientStory story(const std::string& id) const;
    /// Distinct clients seen beyond the capacity (a lower bound past its own bound).
    std::uint64_t untracked() const { return m_untrackedCount; }

private:
    /// One tracked client, packed: a lab keeps one per user.
    struct Track {
        ClientState state;             ///< its group is in m_groups, its last request's key and why in its story
        std::uint16_t group = 0;       ///< its group's place in m_groups
        bool remapArmed = false;       ///< the server set or policy changed since its last request
        bool ipChangePending = false;  ///< its address changed since its last routed request
        int lastBackend = -1;          ///< last backend that served it (survives 503s)
        int backendBeforeChange = -1;
        ClientStoryLog story;
    };

    Track* find(const std::string& id, bool create, bool external, std::string_view group, Ipv4 ip);
    /// The place of `group` in m_groups (added when new).
    std::uint16_t groupIndex(std::string_view group);
    /// What m_index asks for: track n's id.
    auto ids() const
    {
        return [this](std::uint32_t n) -> const std::string& { return m_tracks[n].state.id; };
    }
    /// Builds m_index anew over m_tracks.
    void reindex();

    Options m_options;
    // A deque: each client costs its own Track, never the spare half of a doubled array.
    std::deque<Track> m_tracks;
    ClientIdIndex m_index;                ///< track numbers by client id
    std::vector<std::string> m_groups;    ///< every group name seen, once (the config's few, "outside")
    std::unordered_set<std::size_t> m_untracked; ///< hashes of ids seen beyond capacity (bounded)
    std::uint64_t m_untrackedCount = 0;
};

} // namespace lblab
