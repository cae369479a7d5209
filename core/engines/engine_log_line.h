#pragma once

// One log datagram of an outside balancer, read per the LBLAB1 contract (core/engines/engine_setup.h).

#include "core/base/ipv4.h"
#include "core/policies/decision.h"
#include "core/request_event.h"

#include <optional>
#include <string>
#include <string_view>

namespace lblab {

/// The fields of one LBLAB1 line; "-" in the line is an empty string here.
struct EngineLogRecord {
    Ipv4 clientIp = 0;
    unsigned status = 0;              ///< 0 when the engine logged -1 (no answer)
    double totalMs = 0;               ///< arrival to last byte; 0 when unknown (HAProxy -1)
    int retries = 0;                  ///< connect retries ("-" is 0)
    bool redispatched = false;        ///< HAProxy's "+" prefix on %rc
    std::string backendName;
    std::string clientId;
    SessionOutcome session = SessionOutcome::None;
    std::optional<DecisionKind> why;  ///< nullopt for "-" or a word the lab does not know
    std::string key;
    std::string method;
    std::string uri;
};

/// The LBLAB1 line parser.
class EngineLogLine {
public:
    enum class Result {
        Request,     ///< a request line: `out` holds it
        NotARequest, ///< no LBLAB1 marker: the engine's own notice ("Proxy fe_lab started.")
        Malformed,   ///< a marker but not the contract: `error` names the field
    };
    /// Finds "LBLAB1 " anywhere in `datagram` (after a syslog prefix, if any) and parses the fields
    /// after it into `out`, reusing its strings' capacity. On Malformed, `error` says which field and
    /// why; `out` is then partly filled. Trailing whitespace (HAProxy's newline) is ignored.
    static Result parse(std::string_view datagram, EngineLogRecord& out, std::string& error);
};

} // namespace lblab
