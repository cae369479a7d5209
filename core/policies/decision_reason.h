#pragma once

#include "core/base/clock.h"

#include <array>
#include <cstddef>
#include <span>
#include <cstdint>

namespace lblab {

/// What a decision was made from, by the rule that made it.
enum class ReasonRule : std::uint8_t {
    None,             ///< nothing recorded (a refusal, an engine's event, an old export)
    Rotation,         ///< round robin: the rotation's turn (`slot`: where the turn started, `modulus`: backends)
    WeightedRotation, ///< smooth weighted round robin: candidates with their weights, `slot` of `modulus` picks
    RandomDraw,       ///< a uniform draw: `slot` drawn in [0, `modulus`) over the usable list
    LeastConnections, ///< candidates with their requests in flight; the first minimum from the turn won
    PowerOfTwo,       ///< two random candidates with their requests in flight; the less busy won
    HashModulo,       ///< `hash` of the key mod `modulus` usable backends = `slot` in the usable list
    Ring,             ///< ring position `hash` -> first point `point`, owned by candidate 0
    Region,           ///< the key is the region asked for; candidates: that region's usable backends
    RegionFallback,   ///< no usable backend in the region asked for (or none asked): any region in turn
    TablePinned,      ///< the table held the key, pinned to `pinned` `pinAgeMs` ago
    CookieNamesServer,///< no table row, but the (well-formed) cookie names `pinned`
    TableNoEntry,     ///< no table row for the key: a new pin (or, learned policies, an unpinned turn)
    TableRepinned,    ///< the table's `pinned` backend could not serve it: pinned anew
    NoBackend,        ///< no backend could take the request
};

/// What the key of a decision is, so its text can say "address", "cookie", "session", ...
enum class ReasonKey : std::uint8_t { None, Address, Url, Cookie, SessionCookie, UrlParam, Region };

/// The inputs of one decision, fixed-size and free of heap memory so a policy fills it on the hot
/// path for the price of a few stores. The text ("hash(127.0.3.17) = 0x5f3a91c2 mod 3 = 1 -> s2")
/// is built only when a request is shown or exported, by whyText (core/record/why_text.h), from
/// this, the decision's key (Decision::key, RequestEvent::sessionKey) and the client's address.
struct DecisionReason {
    /// Candidates listed at most (least connections' counts, a region's backends, weights); the
    /// others are counted in `more`.
    static constexpr int kMaxCandidates = 8;
    /// A backend index that does not fit, or no backend.
    static constexpr std::uint16_t kNoIndex = 0xFFFF;
    /// `slot` when a weighted pick was computed step by step (no stored cycle).
    static constexpr std::uint32_t kNoSlot = 0xFFFFFFFFu;

    std::uint64_t hash = 0;       ///< HashModulo: the hash value used; Ring: the key's ring position
    std::uint32_t point = 0;      ///< Ring: the position of the ring point that was found
    std::uint32_t modulus = 0;    ///< how many there were to choose from (usable backends, cycle length)
    std::uint32_t slot = 0;       ///< the position chosen among them (hash mod N, the draw, the turn)
    std::uint32_t pinAgeMs = 0;   ///< TablePinned: how long ago the pin was made
    std::int32_t pinned = -1;     ///< the backend the table (or cookie) named; TableRepinned: the one that failed it
    std::int32_t failed = -1;     ///< the first choice that failed, when the request was retried elsewhere
    std::array<std::uint16_t, kMaxCandidates> candidate{}; ///< backend indices looked at (kNoIndex if too large)
    std::array<std::uint16_t, kMaxCandidates> load{};      ///< their requests in flight, or their weights
    std::uint16_t more = 0;       ///< candidates beyond kMaxCandidates (not listed)
    std::uint8_t candidates = 0;  ///< entries used in candidate[] and load[]
    ReasonRule rule = ReasonRule::None;
    ReasonKey key = ReasonKey::None;

    /// Field by field.
    bool operator==(const DecisionReason&) const = default;

    /// `h` mod `n`, recorded as the HashModulo rule: the position a hash policy takes in its list
    /// of `n` usable backends (so the text always shows the very numbers the policy used).
    std::size_t hashModulo(std::uint64_t h, std::size_t n)
    {
        const std::size_t position = static_cast<std::size_t>(h % n);
        rule = ReasonRule::HashModulo;
        hash = h;
        modulus = static_cast<std::uint32_t>(n);
        slot = static_cast<std::uint32_t>(position);
        return position;
    }
    /// Records a table row's pin (TablePinned, TableRepinned ...): its backend and, for a row
    /// made at `created`, its age at `now`.
    void tableRow(ReasonRule r, int backend, TimePoint created, TimePoint now)
    {
        rule = r;
        pinned = backend;
        const std::int64_t ms = microsSince(created, now) / 1000;
        pinAgeMs = static_cast<std::uint32_t>(ms < 0 ? 0 : ms > 0xFFFFFFFFll ? 0xFFFFFFFFll : ms);
    }
    /// Lists `backends` as the candidates (the first kMaxCandidates, the rest counted in `more`),
    /// each with `loadOf(position in backends)`.
    template <typename LoadOf>
    void listCandidates(std::span<const int> backends, LoadOf loadOf)
    {
        candidates = 0;
        const std::size_t shown = backends.size() < kMaxCandidates ? backends.size() : kMaxCandidates;
        for (std::size_t j = 0; j < shown; ++j)
            addCandidate(backends[j], loadOf(j));
        const std::size_t rest = backends.size() - shown;
        more = static_cast<std::uint16_t>(rest > 0xFFFF ? 0xFFFF : rest);
    }
    /// Appends a candidate and its load (or weight), saturating both at 16 bits; past
    /// kMaxCandidates it is only counted in `more`.
    void addCandidate(int backend, long long loadOrWeight)
    {
        if (candidates < kMaxCandidates) {
            candidate[candidates] = backend >= 0 && backend < kNoIndex ? static_cast<std::uint16_t>(backend) : kNoIndex;
            load[candidates] = static_cast<std::uint16_t>(loadOrWeight < 0 ? 0 : loadOrWeight > 0xFFFF ? 0xFFFF : loadOrWeight);
            ++candidates;
        } else if (more < 0xFFFF) {
            ++more;
        }
    }
};

} // namespace lblab
