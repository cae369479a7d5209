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
    /// A point on the ring. Positions are 32 bits (the top half of the 64-bit text hash): 8 bytes
    /// a point, so a ring of 100 weighted servers x 160 points stays in the L2 cache.
    struct Point {
        std::uint32_t position;
        std::int32_t backend;
        bool operator<(const Point& o) const
        {
            return position < o.position || (position == o.position && backend < o.backend);
        }
    };
    /// True when the usable set, a weight or a name differs from the one the ring was built from.
    bool ringStale(std::span<const BackendInfo> backends) const;
    /// Rebuilds when `backends` is not the span the ring was last checked against and differs from it.
    void sync(std::span<const BackendInfo> backends);
    void rebuild(std::span<const BackendInfo> backends);
    /// The ring position of a key or a point's label.
    static std::uint32_t positionOf(std::string_view text);
    /// The first ring point at or after `position` and its owner: one cache line read in almost every case.
    Point pointAt(std::uint32_t position) const;
    /// The index of the first ring point at or after `position` (wrapping to 0); the ring must not be empty.
    std::size_t ringIndex(std::uint32_t position) const;
    /// The backend for ring position `position`, whose point is owned by `owner` (pointAt), on the
    /// ring as built (bounded load applied).
    int pickOnRing(std::uint32_t position, int owner, std::span<const BackendInfo> backends) const;

    /// The text to hash for `request`: the chosen key, or the peer address when the request lacks it.
    std::string_view keyOf(const RequestView& request, std::string_view peer) const;

    int m_virtualNodes;
    double m_boundedLoad;
    enum class KeySource : std::uint8_t { SourceIp, Url, Cookie, Param } m_keySource = KeySource::SourceIp;
    ReasonKey m_reasonKey = ReasonKey::Address; ///< what the key is, for the decision's reason
    std::string m_keyName; ///< cookie or parameter name
    /// A percent-decoded parameter value when one needs decoding (a policy is called by one thread at a time).
    mutable std::string m_decodedParam;
    std::vector<Point> m_ring;            ///< sorted by position
    std::vector<int> m_builtWeights;      ///< effective weight per index at build time (0 = not on the ring)
    std::vector<std::string> m_builtNames; ///< each backend's name at build time (points derive from it)
    std::vector<int> m_onRing;            ///< indices with points on the ring (for bounded load)
    /// m_bucketStart[b] = index of the first ring point whose position has top bits >= b: where a
    /// search of the ring starts (bounded load's walk, overflowing blocks, more than 65,536 backends).
    std::vector<std::uint32_t> m_bucketStart;
    int m_bucketShift = 32;               ///< position >> m_bucketShift = bucket
    /// One bucket's points in one cache line: their positions (unused: 0xFFFFFFFF) and owners, and
    /// after the last owner the owner of the next point past the bucket. So the owner of a position
    /// is owner[number of positions below it], with no search and no second memory access.
    static constexpr int kBlockPoints = 10;
    struct alignas(64) Block {
        std::uint32_t position[kBlockPoints];
        std::uint16_t owner[kBlockPoints + 1];
        bool overflow; ///< more than kBlockPoints points fell in this bucket: use m_ring
    };
    std::vector<Block> m_blocks;          ///< per bucket; empty when there are more than 65,536 backends
    const BackendInfo* m_builtData = nullptr; ///< the span the ring was last checked against
    std::size_t m_builtSize = 0;
    bool m_built = false;
};

} // namespace lblab
