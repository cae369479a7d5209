#pragma once

#include "core/policies/backend_rotation.h"
#include "core/policies/policy.h"
#include "core/policies/pin_table.h"

#include <cstdint>

namespace lblab {

/// What every sticky policy shares: a bounded session table, a rotation for new clients,
/// a re-pin counter, and the rules for taking over pins on a live switch.
class StatefulPolicy : public Policy {
public:
    /// A table with idle TTL `ttlSeconds` and at most `capacity` rows.
    StatefulPolicy(double ttlSeconds, std::size_t capacity) : m_table(ttlSeconds, capacity) {}

    /// Always true.
    bool stateful() const override { return true; }
    /// Drops idle rows.
    void expire(TimePoint now) override { m_table.expire(now); }
    /// Most recently used first.
    std::vector<PinEntry> table(std::size_t limit) const override { return m_table.table(limit); }
    /// Rows held.
    std::size_t tableSize() const override { return m_table.size(); }
    /// Pins moved off an unusable backend.
    std::uint64_t repins() const override { return m_repins; }
    /// The row for `key`.
    std::optional<PinEntry> lookup(std::string_view key) const override { return m_table.lookup(key); }
    /// Same id: Kept; an id whose keys mean the same (see convertsFrom): Converted; else Dropped.
    PinHandover adoptPins(std::string_view fromPolicy, const std::vector<PinEntry>& rows) override;

protected:
    /// True when `fromPolicy`'s table keys are the same kind of key as ours.
    virtual bool convertsFrom(std::string_view /*fromPolicy*/) const { return false; }

    PinTable m_table;
    BackendRotation m_rotation; ///< places clients that have no usable pin
    std::uint64_t m_repins = 0;
};

} // namespace lblab
