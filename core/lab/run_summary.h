#pragma once

#include "core/record/capture.h"
#include "core/lab/snapshot.h"
#include "core/store/store_meter.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lblab {

/// The outcome of a run: what headless prints and run.json holds (docs/csv-format.md, "The JSON summary").
struct RunSummary {
    /// One server's line.
    struct Server {
        std::string name;
        std::uint64_t requests = 0;
        double share = 0;            ///< of all proxied requests
        std::uint32_t p50Us = 0;
        std::uint32_t p99Us = 0;
        int sessions = 0;            ///< sessions held at the end
        std::uint64_t errors = 0;
        std::uint64_t sessionMisses = 0;
        std::string status;          ///< "up", "down", "draining", "removed"
        int weight = 1;
    };
    std::string preset;
    std::string engine = "builtin";  ///< which balancer balanced (EngineCatalog's id)
    std::string sessionStore = "local"; ///< where the backends kept sessions (SessionStoreCatalog's id)
    StoreFigures store;              ///< what the session store did (zero under "local"; not in a replay)
    std::string policy;
    double durationSeconds = 0;
    std::uint64_t seed = 0;
    std::size_t users = 0;           ///< generated users in the run (outside clients not counted)
    Totals totals;
    std::vector<Server> servers;
    std::size_t tableSize = 0;
    double jain = 0;                 ///< Jain's fairness over servers' requests (1 = perfectly even)
    double maxOverMean = 0;          ///< busiest server's requests over the mean

    /// Builds a summary; shares and fairness are computed over servers not removed.
    static RunSummary make(std::string preset, std::string policy, double durationSeconds,
                           std::uint64_t seed, const Totals& totals,
                           const std::vector<BackendRunStats>& stats,
                           const std::vector<BackendGauge>& gauges, std::size_t tableSize);
    /// The --json object (docs/csv-format.md's fields), pretty-printed.
    std::string toJson() const;
    /// The human-readable per-server table and outcome lines.
    std::string toTable() const;
};

} // namespace lblab
