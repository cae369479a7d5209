#pragma once

#include "core/base/clock.h"
#include "core/policies/decision.h"
#include "core/base/ipv4.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lblab {

/// What a policy may know about one backend. Index in the span = backend index everywhere.
struct BackendInfo {
    std::string name;        ///< "s1", "s2", ...
    std::string region;      ///< e.g. "eu", "us", "asia"
    int weight = 1;          ///< >= 0; 0 takes no new clients
    bool up = true;          ///< false when killed or failed health checks
    bool draining = false;   ///< keeps pinned clients, takes no new ones
    bool removed = false;    ///< gone from the set; its index stays reserved
    int active = 0;          ///< requests in flight on it right now

    /// May take a new (unpinned) client.
    bool acceptsNew() const { return up && !draining && !removed && weight > 0; }
    /// May serve a client already pinned to it.
    bool servesPinned() const { return up && !removed; }
};

/// The request data a policy decides from. Views into the request; valid during the call only.
struct RequestView {
    Ipv4 peer = 0;                  ///< source address the balancer saw
    std::string_view method;        ///< "GET", "POST", ...
    std::string_view target;        ///< path and query, e.g. "/account?sid=abc"
    std::string_view cookieHeader;  ///< the raw Cookie header ("" if none)
    std::string_view regionHeader;  ///< the X-Region header ("" if none)
    TimePoint now{};                ///< when the request arrived
};

/// What came back from the backend, for policies that learn from responses.
struct ResponseView {
    int backend = -1;                              ///< index that answered
    unsigned status = 0;                           ///< HTTP status
    std::span<const std::string_view> setCookies;  ///< every Set-Cookie value of the response
};

/// One row of a stateful policy's table.
struct PinEntry {
    std::string key;      ///< client address, cookie value or session id
    int backend = -1;     ///< pinned backend index
    TimePoint created{};  ///< when the pin was made
    TimePoint lastUsed{}; ///< last request that used it
    std::uint64_t hits = 0;  ///< requests that followed the pin
    TimePoint expires{};  ///< idle expiry (lastUsed + TTL); TimePoint::max() if none
};

/// What to do with existing pins when the policy is switched live.
enum class PinHandover : std::uint8_t { Dropped, Kept, Converted };

/// A balancing policy. Called from the balancer's threads under one lock: no locking inside.
class Policy {
public:
    virtual ~Policy() = default;

    /// The policy id, e.g. "round-robin" (see PolicyCatalog).
    virtual std::string_view id() const = 0;
    /// True when the policy keeps a session table.
    virtual bool stateful() const { return false; }
    /// Picks a backend for the request into `d`, which it resets first (backend -1, NoBackend, when
    /// none is usable). `d`'s strings keep their capacity: a caller that reuses one Decision per
    /// connection allocates nothing per request, whatever the length of the key.
    virtual void decide(const RequestView& request, std::span<const BackendInfo> backends, Decision& d) = 0;
    /// decide() into a fresh Decision (tests and tools; the balancer reuses one per connection).
    Decision choose(const RequestView& request, std::span<const BackendInfo> backends)
    {
        Decision d;
        decide(request, backends, d);
        return d;
    }
    /// Sees the backend's answer (session-affinity learns Set-Cookie here).
    virtual void observeResponse(const RequestView&, const Decision&, const ResponseView&) {}
    /// The backend set changed (added, removed, up/down, weight): rebuild derived structures.
    virtual void backendsChanged(std::span<const BackendInfo>) {}
    /// Drops expired entries; called about once a second.
    virtual void expire(TimePoint) {}
    /// A copy of the table, at most `limit` rows (most recently used first). Empty for stateless policies.
    virtual std::vector<PinEntry> table(std::size_t /*limit*/) const { return {}; }
    /// Rows in the table.
    virtual std::size_t tableSize() const { return 0; }
    /// Pins whose backend was unusable and were moved, since the policy was made.
    virtual std::uint64_t repins() const { return 0; }
    /// The table row for `key`, if the table holds it.
    virtual std::optional<PinEntry> lookup(std::string_view /*key*/) const { return std::nullopt; }
    /// Takes over the pins of the policy `fromPolicy` it replaces, if their keys mean the same
    /// thing here (Converted, or Kept for the same id); otherwise Dropped.
    virtual PinHandover adoptPins(std::string_view /*fromPolicy*/, const std::vector<PinEntry>&)
    {
        return PinHandover::Dropped;
    }
};

} // namespace lblab
