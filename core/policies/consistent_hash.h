#pragma once

#include "core/policies/policy.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lblab {

/// A hash ring: each backend owns many points (virtual nodes, scaled by weight) and a client
/// address goes to the next point clockwise. Adding a fourth server moves only about a quarter
/// of the clients. With bounded load, a server already above factor x mean is skipped.
class ConsistentHashPolicy final : public Policy {
public:
    /// `virtualNodes` points per unit of weight; `boundedLoad` > 1 turns bounded load on;
    /// `hashKey` chooses what is hashed (see PolicyOptions::hashKey).
    ConsistentHashPolicy(int virtualNodes, double boundedLoad, std::string hashKey = "source-ip");
    /// True when `hashKey` is one of the forms PolicyOptions::hashKey allows.
    static bool validHashKey(std::string_view hashKey);
    /// The id "consistent-hash".
    std::string_view id() const override { return "consistent-hash"; }
    /// The owner of the first ring point at or after hash(peer address).
    void decide(const RequestView& request, std::span<const BackendInfo> backends, Decision& d) override;
    /// Rebuilds the ring if the usable set, a weight or a name changed.
    void backendsChanged(std::span<const BackendInfo> backends) override;

    /// Points on the ring now (for tests and the UI).
    std::size_t ringSize() const { return m_ring.size(); }

private:
    struct Point {
        std::uint64_t hash;
        int backend;
        bool operator<(const Point& o) const { return hash < o.hash || (hash == o.hash && backend < o.backend); }
    };

    /// True when the usable set, a weight or a name differs from the one the ring was built from.
    bool ringStale(std::span<const BackendInfo> backends) const;
    /// Rebuilds when `backends` is not the span the ring was last checked against and differs from it.
    void sync(std::span<const BackendInfo> backends);
    void rebuild(std::span<const BackendInfo> backends);
    /// The position of the first ring point at or after `h` (wrapping to 0); the ring must not be empty.
    std::size_t ringPosition(std::uint64_t h) const;
    /// The backend for hash `h` on the ring as built (bounded load applied).
    int pickOnRing(std::uint64_t h, std::span<const BackendInfo> backends) const;

    /// The text to hash for `request`: the chosen key, or the peer address when the request lacks it.
    std::string_view keyOf(const RequestView& request, std::string_view peer) const;

    int m_virtualNodes;
    double m_boundedLoad;
    enum class KeySource : std::uint8_t { SourceIp, Url, Cookie, Param } m_keySource = KeySource::SourceIp;
    std::string m_keyName; ///< cookie or parameter name
    std::vector<Point> m_ring;            ///< sorted by hash
    std::vector<int> m_builtWeights;      ///< effective weight per index at build time (0 = not on the ring)
    std::vector<std::string> m_builtNames; ///< each backend's name at build time (points derive from it)
    std::vector<int> m_onRing;            ///< indices with points on the ring (for bounded load)
    /// m_bucketStart[b] = first ring position whose hash has top bits >= b: lookups search one bucket.
    std::vector<std::uint32_t> m_bucketStart;
    int m_bucketShift = 64;               ///< hash >> m_bucketShift = bucket
    const BackendInfo* m_builtData = nullptr; ///< the span the ring was last checked against
    std::size_t m_builtSize = 0;
    bool m_built = false;
};

} // namespace lblab
