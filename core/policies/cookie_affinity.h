#pragma once

#include "core/policies/stateful_policy.h"

#include <cstdint>
#include <random>
#include <string>

namespace lblab {

/// Like HAProxy's `cookie insert`: the balancer gives each new client its own cookie naming the
/// chosen server ("s2-9f3a1c07") and follows it afterwards, whatever the client's address.
class CookieAffinityPolicy final : public StatefulPolicy {
public:
    /// Uses cookie `cookieName`; tokens come from a generator seeded with `seed`.
    CookieAffinityPolicy(std::string cookieName, std::uint64_t seed, double ttlSeconds, std::size_t capacity);
    /// The id "cookie-affinity".
    std::string_view id() const override { return "cookie-affinity"; }
    /// Follows a valid cookie (Pinned); otherwise picks a server and sends a fresh cookie.
    void decide(const RequestView& request, std::span<const BackendInfo> backends, Decision& d) override;

    /// The backend name a well-formed value "<name>-<hex token>" carries, or "" if malformed.
    static std::string_view backendNameOf(std::string_view cookieValue);

private:
    /// A fresh cookie for `backend`: fills d.key and d.setCookie and pins it.
    void issueCookie(Decision& d, const BackendInfo& backend, int index, TimePoint now);

    std::string m_cookieName;
    std::mt19937_64 m_rng;
};

} // namespace lblab
