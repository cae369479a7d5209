#pragma once

// Small builders shared by the policy tests.

#include "core/base/ipv4.h"
#include "core/policies/policy.h"

#include <map>
#include <string>
#include <vector>

namespace lblab::test {

/// `n` healthy backends s1..sn of weight 1.
inline std::vector<BackendInfo> makeBackends(int n)
{
    std::vector<BackendInfo> out;
    for (int i = 0; i < n; ++i) {
        BackendInfo b;
        b.name = "s" + std::to_string(i + 1);
        b.region = "eu";
        out.push_back(b);
    }
    return out;
}

/// A request from `peer` for `target`.
inline RequestView makeRequest(Ipv4 peer, std::string_view target = "/", std::string_view cookie = {},
                               TimePoint now = TimePoint{} + std::chrono::seconds(1))
{
    RequestView r;
    r.peer = peer;
    r.method = "GET";
    r.target = target;
    r.cookieHeader = cookie;
    r.now = now;
    return r;
}

/// The address of the i-th test client.
inline Ipv4 clientIp(std::uint32_t i) { return loopbackAddress(1, i); }

/// A point `seconds` after the test epoch.
inline TimePoint at(double seconds)
{
    return TimePoint{} + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

} // namespace lblab::test
