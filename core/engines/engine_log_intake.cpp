#include "core/engines/engine_log_intake.h"

#include "core/base/ipv4.h"
#include "core/engines/engine_catalog.h"
#include "core/engines/engine_log_line.h"
#include "core/lab/lab_event.h"
#include "core/record/capture.h"
#include "core/request_event.h"

#include <algorithm>
#include <limits>

namespace lblab {

namespace {

constexpr std::int64_t kReportEveryUs = 1'000'000;
constexpr std::size_t kMaxShownText = 300;

std::string shortened(std::string_view text)
{
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.remove_suffix(1);
    if (text.size() <= kMaxShownText)
        return std::string(text);
    return std::string(text.substr(0, kMaxShownText)) + "...";
}

std::string lowered(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; });
    return out;
}

} // namespace

std::string EngineLogIntake::whyOf(const EngineLogRecord& line, const RequestEvent& e) const
{
    std::string why = m_engineId;
    why += ": ";
    const std::string_view words = m_kind ? EngineCatalog::directive(*m_kind, e.policy) : std::string_view();
    why += words.empty() ? std::string_view(e.policy) : words;
    if (!line.key.empty()) {
        why += ", key ";
        why += line.key;
    }
    why += ": ";
    why += toString(e.decision);
    if (line.retries > 0)
        why += ", after " + std::to_string(line.retries) + (line.retries == 1 ? " retry" : " retries");
    if (line.redispatched)
        why += ", redispatched";
    why += " -> ";
    why += e.backend >= 0 ? e.backendName : "none, answered " + std::to_string(e.status);
    return why;
}

EngineLogIntake::EngineLogIntake(std::string engineName, Capture& capture, Hooks hooks)
    : m_engineName(std::move(engineName))
    , m_engineId(lowered(m_engineName))
    , m_kind(EngineCatalog::parse(m_engineId))
    , m_capture(capture)
    , m_hooks(std::move(hooks))
    , m_socket([this](std::string_view datagram) { take(datagram); })
{
}

EngineLogIntake::~EngineLogIntake()
{
    stop();
}

std::uint16_t EngineLogIntake::start()
{
    return m_socket.bindLoopback();
}

void EngineLogIntake::stop()
{
    m_socket.stop();
}

std::uint64_t EngineLogIntake::lost() const
{
    return m_socket.kernelDrops();
}

void EngineLogIntake::take(std::string_view datagram)
{
    EngineLogRecord line;
    std::string error;
    switch (EngineLogLine::parse(datagram, line, error)) {
    case EngineLogLine::Result::Request: recordRequest(line); break;
    case EngineLogLine::Result::NotARequest: ++m_notices; break; // its stderr says the same, and goes to the event log
    case EngineLogLine::Result::Malformed:
        ++m_unreadable;
        report(error + ": " + shortened(datagram));
        break;
    }
}

DecisionKind EngineLogIntake::defaultDecision(std::string_view policy)
{
    if (policy == "round-robin")
        return DecisionKind::RoundRobin;
    if (policy == "weighted-round-robin")
        return DecisionKind::WeightedRoundRobin;
    if (policy == "random")
        return DecisionKind::Random;
    if (policy == "least-connections")
        return DecisionKind::LeastConnections;
    if (policy == "power-of-two")
        return DecisionKind::PowerOfTwo;
    if (policy == "geo")
        return DecisionKind::Geo;
    if (policy == "ip-hash" || policy == "url-hash" || policy == "consistent-hash")
        return DecisionKind::Hash;
    return DecisionKind::Pinned; // the stateful policies: a line that does not say is a followed pin
}

void EngineLogIntake::recordRequest(const EngineLogRecord& line)
{
    const std::int64_t receivedUs = m_capture.sinceStartUs(Clock::now());
    const double latencyUs = std::clamp(line.totalMs * 1000.0, 0.0,
                                        static_cast<double>(std::numeric_limits<std::uint32_t>::max()));
    RequestEvent e;
    e.tUs = std::max<std::int64_t>(0, receivedUs - static_cast<std::int64_t>(latencyUs));
    e.clientIp = line.clientIp;
    e.clientId = line.clientId.empty() ? "ext-" + formatIpv4(line.clientIp) : line.clientId;
    e.sessionKey = line.key;
    e.method = line.method;
    e.path = line.uri;
    e.policy = m_hooks.policy ? m_hooks.policy() : std::string();
    e.backendName = line.backendName;
    e.backend = line.backendName.empty() || !m_hooks.indexOf ? -1 : m_hooks.indexOf(line.backendName);
    if (e.backend < 0)
        e.backendName.clear();
    e.status = line.status;
    e.latencyUs = static_cast<std::uint32_t>(latencyUs);
    e.session = line.session;
    if (e.backend < 0)
        e.decision = DecisionKind::NoBackend;
    else if (line.why == DecisionKind::Repinned || (line.redispatched && line.why == DecisionKind::Pinned))
        e.decision = DecisionKind::Repinned; // the pinned server could not take it: the engine chose anew
    else if (line.retries > 0 || line.redispatched)
        e.decision = DecisionKind::Retried;
    else
        e.decision = line.why.value_or(defaultDecision(e.policy));
    e.why = whyOf(line, e);
    m_capture.record(e);
    ++m_requests;
}

void EngineLogIntake::report(std::string_view text)
{
    const std::int64_t now = m_capture.sinceStartUs(Clock::now());
    std::lock_guard lock(m_reportMutex);
    if (now - m_lastReportUs < kReportEveryUs) {
        ++m_unreportedUnreadable;
        return;
    }
    if (m_unreportedUnreadable > 0)
        m_capture.recordLabEvent({now, LabEventKind::Error, m_engineName,
                                  std::to_string(m_unreportedUnreadable) + " more log lines could not be read"});
    m_unreportedUnreadable = 0;
    m_lastReportUs = now;
    m_capture.recordLabEvent({now, LabEventKind::Error, m_engineName, "a log line could not be read: " + std::string(text)});
}

} // namespace lblab
