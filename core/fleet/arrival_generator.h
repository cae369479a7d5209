#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace lblab {

/// One open-loop arrival: wait `gapSeconds` after the previous one, then give `user` a request.
struct Arrival {
    double gapSeconds = 0;
    std::size_t user = 0;
};

/// Poisson arrivals at a total rate, each to a user drawn in proportion to its weight.
/// Pure and seeded: the same seed and weights give the same sequence (no sockets, no clock).
class ArrivalGenerator {
public:
    /// `weights[i]` is user i's relative share; `rate` is arrivals per second in total.
    ArrivalGenerator(const std::vector<double>& weights, double rate, std::uint64_t seed);
    /// The next arrival; gapSeconds is infinite when the rate is 0 or no user has weight.
    Arrival next();
    /// A user drawn by weight, as next() would, with no gap (a step releases one request now);
    /// -1 when no user has weight. Rate 0 does not matter here.
    long pickUser();
    /// Changes the total rate for later draws.
    void setRate(double perSecond);
    /// The total rate.
    double rate() const { return m_rate; }
    /// Whether any arrival can ever come (rate > 0 and some user has weight).
    bool active() const;

private:
    std::mt19937_64 m_rng;
    std::discrete_distribution<std::size_t> m_pick;
    double m_rate = 0;
    bool m_hasWeight = false;
};

} // namespace lblab
