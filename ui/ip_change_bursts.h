#pragma once

#include <array>
#include <cstdint>

namespace lblab::ui {

/// Tells a burst of IP changes (the user moved a share of the users at once, a timeline step did)
/// from the steady churn of phones on the move, so the charts mark the one and ignore the other.
///
/// The rule: a burst is a chain of at least `T` changes, each within `gap` of the one before.
/// In a quiet run gap = 0.5 s and T = 5. With a steady churn of r changes per second (measured over
/// the last 10 s) gap shrinks to a tenth of the mean spacing 1/r (at most 0.5 s), and T grows
/// slowly (6 at 5/s to 15/s, 8 at 250/s) so that the churn alone makes such a chain less than once
/// in 100 minutes. So a lone phone's change now and then never makes a marker, while the changes
/// a "change IPs" command makes within a few milliseconds do. The churn must be measured first: no
/// burst is found in the first 0.5 s after `knownFrom`.
class IpChangeBursts {
public:
    /// What one change did to the burst in progress.
    enum class Step : std::uint8_t {
        None,    ///< not (yet) part of a burst
        Started, ///< the chain just became long enough: a new burst (see burstStartSeconds/burstCount)
        Grew,    ///< joined the burst in progress (burstCount() went up)
    };

    /// A quiet run: no churn seen, nothing measured before `knownFromSeconds`.
    explicit IpChangeBursts(double knownFromSeconds = 0) : m_knownFrom(knownFromSeconds) {}

    /// Feeds one change at `seconds` since run start (in log order; a change slightly older than the
    /// last one counts as simultaneous with it).
    Step add(double seconds);
    /// Forgets everything; nothing is known about the churn before `knownFromSeconds`.
    void reset(double knownFromSeconds = 0);

    /// Time of the first change of the current (or last) burst.
    double burstStartSeconds() const { return m_burstStart; }
    /// Changes in the current (or last) burst.
    int burstCount() const { return m_burstCount; }
    /// Steady churn, changes per second, measured at `seconds` (the busiest fifth, at least one, of
    /// the 100 ms slots of the last 10 s left out, so a burst does not raise its own bar).
    double churnPerSecond(double seconds) const;

    /// A chain must be this long to be a burst when there is no churn.
    static constexpr int kMinBurst = 5;
    /// The longest pause between two changes of one burst, and the span the threshold looks at.
    static constexpr double kWindowSeconds = 0.5;
    /// How long the churn is measured before a chain may count as a burst.
    static constexpr double kLearnSeconds = 0.5;

private:
    static constexpr int kSlots = 100;         // 100 ms each: the churn of the last 10 s
    static constexpr double kSlotSeconds = 0.1;
    // The longest pause in a burst, as a share of the churn's mean spacing. Two changes of a churn
    // come this close with probability 1 - e^-0.1 (about 0.1), four times in a row 1 in 10,000.
    static constexpr double kGapShare = 0.1;

    void count(double seconds);
    void setBar(double rate);

    double m_knownFrom = 0;
    std::array<int, kSlots> m_slotCount{};
    std::array<std::int64_t, kSlots> m_slotIndex{}; // which 100 ms slot of the run each entry holds
    bool m_anySlot = false;

    // The chain of close changes in progress, the longest pause and the length that make it a burst.
    bool m_inBurst = false;
    double m_chainStart = 0;
    double m_chainLast = -1;
    int m_chainCount = 0;
    double m_chainGap = kWindowSeconds;
    int m_chainThreshold = kMinBurst;
    double m_burstStart = 0;
    int m_burstCount = 0;
};

} // namespace lblab::ui
