#pragma once

#include "core/request_event.h"
#include "core/lab/snapshot.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lblab {

/// One client's story as it happens: every address it had, every server it went to, every
/// decision and session outcome. Consecutive requests alike (same address, server, decision,
/// session outcome and status class) fold into one entry with a count, so memory grows only when
/// something changes; an address change is its own entry. At most `capacity` entries are kept:
/// the oldest go first and are counted, except the newest request's entry, which address changes
/// never push out (it is where the client's last key and why are kept: see lastRequest). A lab
/// keeps one per client, so entries are kept packed (144 bytes where a StoryEntry takes 184) and
/// given out as StoryEntry. Not thread-safe: its owner serialises access.
class ClientStoryLog {
public:
    /// Entries kept per client unless told otherwise.
    static constexpr std::size_t kDefaultCapacity = 48;

    /// An empty story keeping at most `capacity` entries (at least 2: the last request and an
    /// address change after it).
    explicit ClientStoryLog(std::size_t capacity = kDefaultCapacity);

    /// Adds a request: folded into the newest entry when alike, else a new entry.
    void recordRequest(const RequestEvent& event);
    /// Adds an address change (old -> new) as its own entry.
    void recordIpChange(Ipv4 from, Ipv4 to, std::int64_t tUs);
    /// The entry of the client's last request (its key, reason and why), or none before any.
    std::optional<StoryEntry> lastRequest() const;
    /// The entries, oldest first, and how many older ones were dropped (clientId is left as it is).
    void fill(ClientStory& out) const;
    /// Entries kept now.
    std::size_t size() const { return m_entries.size(); }
    /// Entries dropped because the story was full.
    std::uint64_t dropped() const { return m_dropped; }

private:
    /// A StoryEntry as kept: the same fields without padding, the key and the why in one string.
    struct Kept {
        std::int64_t firstUs = 0;
        std::int64_t lastUs = 0;
        std::uint32_t count = 1;
        Ipv4 ip = 0;
        Ipv4 fromIp = 0;
        std::int32_t backend = -1;
        std::uint16_t status = 0;
        std::uint16_t keyLength = 0; ///< text = the session key, then the why
        StoryEntry::Kind kind = StoryEntry::Kind::Requests;
        DecisionKind decision = DecisionKind::NoBackend;
        SessionOutcome session = SessionOutcome::None;
        DecisionReason reason;
        std::string text;

        /// True when request `e` folds into this entry (same address, server, decision, session
        /// outcome and status class).
        bool alike(const RequestEvent& e) const;
        /// Takes a request's status, key, reason and why.
        void takeAnswer(const RequestEvent& e);
        /// As a StoryEntry.
        StoryEntry entry() const;
    };

    Kept* newest();
    /// The slot of the entry `back` places before the newest (0: the newest).
    std::size_t slotFromNewest(std::size_t back) const;
    /// The slot of the last request's entry, or none.
    std::optional<std::size_t> lastRequestSlot() const;
    /// The place of a new newest entry, to be filled whole: a fresh one, or the oldest once full
    /// (for an address change, never the last request's: the next oldest goes instead).
    Kept& push(bool keepLastRequest);

    std::vector<Kept> m_entries; ///< a ring once full: m_oldest is the oldest entry
    std::uint32_t m_oldest = 0;
    std::uint32_t m_capacity;
    std::uint64_t m_dropped = 0;
};

} // namespace lblab
