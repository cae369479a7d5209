#include "core/policies/consistent_hash.h"

#include "core/policies/hashing.h"
#include "core/base/cookie_header.h"
#include "core/base/peer_text.h"
#include "core/base/query_string.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

namespace lblab {
namespace {

// Bounds the ring (and rebuild time) whatever weights and node counts the user types in.
constexpr std::size_t kMaxRingPoints = 1 << 20;

int effectiveWeight(const BackendInfo& b) { return b.acceptsNew() ? b.weight : 0; }

} // namespace

ConsistentHashPolicy::ConsistentHashPolicy(int virtualNodes, double boundedLoad, std::string hashKey)
    : m_virtualNodes(std::max(1, virtualNodes)), m_boundedLoad(boundedLoad)
{
    if (hashKey == "url") {
        m_keySource = KeySource::Url;
        m_reasonKey = ReasonKey::Url;
    } else if (hashKey.rfind("cookie:", 0) == 0 && hashKey.size() > 7) {
        m_keySource = KeySource::Cookie;
        m_reasonKey = ReasonKey::Cookie;
        m_keyName = hashKey.substr(7);
    } else if (hashKey.rfind("param:", 0) == 0 && hashKey.size() > 6) {
        m_keySource = KeySource::Param;
        m_reasonKey = ReasonKey::UrlParam;
        m_keyName = hashKey.substr(6);
    }
}

bool ConsistentHashPolicy::validHashKey(std::string_view key)
{
    return key == "source-ip" || key == "url" || (key.rfind("cookie:", 0) == 0 && key.size() > 7) ||
           (key.rfind("param:", 0) == 0 && key.size() > 6);
}

std::string_view ConsistentHashPolicy::keyOf(const RequestView& request, std::string_view peer) const
{
    std::optional<std::string_view> key;
    switch (m_keySource) {
    case KeySource::SourceIp: break;
    case KeySource::Url: key = request.target; break;
    case KeySource::Cookie: key = findCookie(request.cookieHeader, m_keyName); break;
    case KeySource::Param: key = findQueryParam(request.target, m_keyName, m_decodedParam); break;
    }
    return key && !key->empty() ? *key : peer;
}

bool ConsistentHashPolicy::ringStale(std::span<const BackendInfo> backends) const
{
    if (backends.size() != m_builtWeights.size())
        return true;
    for (std::size_t i = 0; i < backends.size(); ++i)
        if (effectiveWeight(backends[i]) != m_builtWeights[i] ||
            (m_builtWeights[i] > 0 && backends[i].name != m_builtNames[i]))
            return true;
    return false;
}

void ConsistentHashPolicy::sync(std::span<const BackendInfo> backends)
{
    if (m_built && backends.data() == m_builtData && backends.size() == m_builtSize)
        return;
    if (!m_built || ringStale(backends))
        rebuild(backends);
    m_builtData = backends.data();
    m_builtSize = backends.size();
    m_built = true;
}

void ConsistentHashPolicy::rebuild(std::span<const BackendInfo> backends)
{
    m_ring.clear();
    m_onRing.clear();
    m_bucketStart.clear();
    m_blocks.clear();
    m_builtWeights.assign(backends.size(), 0);
    m_builtNames.assign(backends.size(), std::string{});
    m_builtData = backends.data();
    m_builtSize = backends.size();
    m_built = true;
    long long totalWeight = 0;
    for (std::size_t i = 0; i < backends.size(); ++i) {
        m_builtWeights[i] = effectiveWeight(backends[i]);
        m_builtNames[i] = backends[i].name;
        totalWeight += m_builtWeights[i];
        if (m_builtWeights[i] > 0)
            m_onRing.push_back(static_cast<int>(i));
    }
    if (totalWeight == 0)
        return;
    const auto perWeight = std::max<long long>(
        1, std::min<long long>(m_virtualNodes, static_cast<long long>(kMaxRingPoints) / totalWeight));
    std::string label;
    for (std::size_t i = 0; i < backends.size(); ++i) {
        // Points come from the backend's name, not its index, so a server keeps its points
        // when others join or leave: that is what limits remapping to about 1/(N+1).
        const long long points = perWeight * m_builtWeights[i];
        for (long long v = 0; v < points; ++v) {
            label = backends[i].name;
            label += '#';
            char digits[24];
            const auto end = std::to_chars(digits, digits + sizeof digits, v).ptr;
            label.append(digits, end);
            m_ring.push_back({positionOf(label), static_cast<std::int32_t>(i)});
        }
    }
    std::sort(m_ring.begin(), m_ring.end());
    // About three points per bucket: a lookup reads the bucket's block and nothing else.
    int bits = 1;
    while (bits < 22 && (std::size_t{4} << bits) < m_ring.size())
        ++bits;
    m_bucketShift = 32 - bits;
    const std::uint32_t buckets = std::uint32_t{1} << bits;
    m_bucketStart.resize(std::size_t{buckets} + 1);
    std::size_t pos = 0;
    for (std::uint32_t b = 0; b <= buckets; ++b) {
        while (pos < m_ring.size() && (m_ring[pos].position >> m_bucketShift) < b)
            ++pos;
        m_bucketStart[b] = static_cast<std::uint32_t>(pos);
    }
    if (backends.size() > 0x10000)
        return; // owners would not fit in 16 bits: lookups search m_ring
    m_blocks.resize(buckets);
    for (std::uint32_t b = 0; b < buckets; ++b) {
        Block& block = m_blocks[b];
        const std::size_t begin = m_bucketStart[b];
        const std::size_t end = m_bucketStart[b + 1];
        block.overflow = end - begin > static_cast<std::size_t>(kBlockPoints);
        std::fill(std::begin(block.position), std::end(block.position), 0xFFFFFFFFu);
        std::fill(std::begin(block.owner), std::end(block.owner), std::uint16_t{0});
        if (block.overflow)
            continue;
        for (std::size_t i = begin; i < end; ++i) {
            block.position[i - begin] = m_ring[i].position;
            block.owner[i - begin] = static_cast<std::uint16_t>(m_ring[i].backend);
        }
        block.owner[end - begin] = static_cast<std::uint16_t>(m_ring[end == m_ring.size() ? 0 : end].backend);
    }
}

void ConsistentHashPolicy::backendsChanged(std::span<const BackendInfo> backends)
{
    m_built = false; // the span may be the same one, changed in place
    sync(backends);
}

std::uint32_t ConsistentHashPolicy::positionOf(std::string_view text)
{
    return static_cast<std::uint32_t>(hashText(text) >> 32);
}

ConsistentHashPolicy::Point ConsistentHashPolicy::pointAt(std::uint32_t position) const
{
    if (m_blocks.empty())
        return m_ring[ringIndex(position)];
    const Block& block = m_blocks[position >> m_bucketShift];
    if (block.overflow) [[unlikely]]
        return m_ring[ringIndex(position)];
    int below = 0; // no early exit: the count is branch-free whatever the positions are
    for (std::uint32_t p : block.position)
        below += p < position ? 1 : 0;
    // The point itself is in the block, unless it is the first of a later bucket (the owner is
    // stored either way; the position is then looked up, rarely: about one key in four buckets' worth).
    if (below < kBlockPoints && block.position[below] != 0xFFFFFFFFu)
        return {block.position[below], block.owner[below]};
    return {m_ring[ringIndex(position)].position, block.owner[below]};
}

std::size_t ConsistentHashPolicy::ringIndex(std::uint32_t position) const
{
    const std::uint32_t bucket = position >> m_bucketShift;
    std::size_t pos = m_bucketStart[bucket];
    const std::size_t end = m_bucketStart[bucket + 1];
    while (pos < end && m_ring[pos].position < position)
        ++pos;
    return pos == m_ring.size() ? 0 : pos;
}

int ConsistentHashPolicy::pickOnRing(std::uint32_t position, int owner, std::span<const BackendInfo> backends) const
{
    if (m_boundedLoad <= 1.0)
        return owner;
    // Bounded load (Mirrokni, Thorup, Zadimoghaddam): capacity is ceil(c * mean), with the
    // incoming request counted, so at least one server is always under it. With c > 1 the
    // capacity is at least 1, so an idle owner needs no sum over the ring.
    if (backends[static_cast<std::size_t>(owner)].active <= 0)
        return owner;
    long long active = 0;
    for (int i : m_onRing)
        active += std::max(0, backends[static_cast<std::size_t>(i)].active);
    const auto usable = static_cast<long long>(m_onRing.size());
    const auto cap = static_cast<long long>(
        std::ceil(m_boundedLoad * static_cast<double>(active + 1) / static_cast<double>(usable)));
    std::size_t pos = ringIndex(position);
    for (std::size_t step = 0; step < m_ring.size(); ++step) {
        const int b = m_ring[pos].backend;
        if (backends[static_cast<std::size_t>(b)].active < cap)
            return b;
        if (++pos == m_ring.size())
            pos = 0;
    }
    return owner; // unreachable with c > 1; keeps the request served anyway
}

void ConsistentHashPolicy::decide(const RequestView& request, std::span<const BackendInfo> backends, Decision& d)
{
    d.reset();
    const PeerText peer(request.peer);
    const std::string_view key = keyOf(request, peer.view());
    d.key = key;
    d.reason.key = key.data() == peer.view().data() ? ReasonKey::Address : m_reasonKey;
    sync(backends);
    const std::uint32_t position = positionOf(key);
    for (;;) { // at most twice: after a rebuild every point's backend accepts
        if (m_ring.empty()) {
            d.reason.rule = ReasonRule::NoBackend;
            return;
        }
        const Point point = pointAt(position);
        const int owner = point.backend;
        const int b = pickOnRing(position, owner, backends);
        if (backends[static_cast<std::size_t>(b)].acceptsNew()) {
            d.backend = b;
            d.kind = DecisionKind::Hash;
            d.reason.rule = ReasonRule::Ring;
            d.reason.hash = position;
            d.reason.point = point.position;
            d.reason.candidates = 0;
            d.reason.addCandidate(owner, backends[static_cast<std::size_t>(owner)].active);
            return;
        }
        rebuild(backends); // changed in place without backendsChanged()
    }
}

} // namespace lblab
