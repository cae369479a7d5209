#pragma once

// Turns an outside balancer's log lines into the lab's RequestEvents, as they arrive.

#include "core/engines/engine_kind.h"
#include "core/engines/log_socket.h"
#include "core/policies/decision.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace lblab {

class Capture;
struct EngineLogRecord;
struct RequestEvent;

/// Reads the LBLAB1 lines an outside engine logs over UDP (see engine_setup.h) and records each
/// as one RequestEvent in the capture: client, address, backend, status, latency, session outcome
/// and why. A line that cannot be parsed is counted and reported in the event log (the first one
/// at once, then at most one report a second with the count), never silently dropped. A line
/// without the marker (the engine's own notice, which it also writes to its stderr, and that goes to
/// the event log) is only counted.
class EngineLogIntake {
public:
    /// What the intake asks its engine for each line (any thread; cheap, thread-safe).
    struct Hooks {
        std::function<int(std::string_view backendName)> indexOf; ///< backend index, -1 when unknown
        std::function<std::string()> policy;                       ///< the policy id in force
    };

    /// `engineName` prefixes its event-log lines ("HAProxy", "NGINX").
    EngineLogIntake(std::string engineName, Capture& capture, Hooks hooks);
    ~EngineLogIntake();
    EngineLogIntake(const EngineLogIntake&) = delete;
    EngineLogIntake& operator=(const EngineLogIntake&) = delete;

    /// Binds 127.0.0.1 on a free UDP port and starts reading; returns the port.
    std::uint16_t start();
    /// Stops reading (idempotent). Lines already received are recorded first.
    void stop();

    /// Requests recorded.
    std::uint64_t requests() const { return m_requests.load(); }
    /// Lines with the marker that could not be parsed.
    std::uint64_t unreadable() const { return m_unreadable.load(); }
    /// Lines without the marker (the engine's own notices).
    std::uint64_t notices() const { return m_notices.load(); }
    /// Datagrams the kernel dropped before the intake read them (lost lines).
    std::uint64_t lost() const;

    /// Records one datagram (the socket's reader calls it; tests may too).
    void take(std::string_view datagram);

    /// The decision an engine's line means when it does not say why: what `policy` always does.
    static DecisionKind defaultDecision(std::string_view policy);

private:
    void recordRequest(const EngineLogRecord& line);
    /// The why column of `e`, made from `line`: "haproxy: stick on src, key 127.0.3.17: pinned -> s2".
    std::string whyOf(const EngineLogRecord& line, const RequestEvent& e) const;
    void report(std::string_view text);

    std::string m_engineName;
    std::string m_engineId;          ///< "haproxy", "nginx": the why column's prefix
    std::optional<EngineKind> m_kind;
    Capture& m_capture;
    Hooks m_hooks;
    LogSocket m_socket;
    std::atomic<std::uint64_t> m_requests{0};
    std::atomic<std::uint64_t> m_unreadable{0};
    std::atomic<std::uint64_t> m_notices{0};
    std::mutex m_reportMutex;
    std::int64_t m_lastReportUs = -1'000'000'000;
    std::uint64_t m_unreportedUnreadable = 0;
};

} // namespace lblab
