#pragma once

#include "core/base/ipv4.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lblab {

/// One row of changes.csv: something that changed during a run besides the requests themselves,
/// exported as data so a replay counts from it exactly what the live run counted
/// (docs/csv-format.md describes each kind).
struct RunChange {
    /// What changed.
    enum class Kind : std::uint8_t {
        RunStarted,      ///< the run began under `policy`
        IpChanged,       ///< `clientId` moved from `oldIp` to `newIp`
        TopologyChanged, ///< the balancer's server set, a server's state or weight, or its policy changed
        BackendDown,      ///< `server` went down (killed by the lab, or found down by health checks)
        BackendUp,        ///< `server` came (back) up
        BackendDraining,  ///< `server` takes no new clients
        BackendAdded,
        BackendRemoved,
        WeightChanged,   ///< `detail` says the new weight
        PolicySwitched,  ///< `policy` is now in force; `detail` says what became of the pins
    };

    std::int64_t tUs = 0;        ///< microseconds since the run started
    std::uint64_t afterSeq = 0;  ///< requests the capture had counted when it happened (events.csv's seq)
    Kind kind = Kind::RunStarted;
    std::string clientId;
    Ipv4 oldIp = 0;
    Ipv4 newIp = 0;
    std::string server;
    std::string policy;
    std::string detail;

    /// changes.csv's header row (without the line end).
    static constexpr std::string_view kCsvHeader = "t_ms,after_seq,kind,client_id,old_ip,new_ip,server,policy,detail";

    /// Appends this change as one changes.csv row (CRLF-ended).
    void appendCsvRow(std::string& out) const;
    /// Reads changes.csv, in its row order. Throws std::runtime_error naming the file, the line and
    /// the problem; a row of a kind this version does not know is skipped, with a note in `notes`.
    static std::vector<RunChange> readCsv(const std::filesystem::path& file, std::vector<std::string>& notes);
};

/// Stable name of a kind, e.g. "ip-changed", "topology-changed".
std::string_view toString(RunChange::Kind kind);
/// The kind named `text`, if any.
std::optional<RunChange::Kind> parseRunChangeKind(std::string_view text);

} // namespace lblab
