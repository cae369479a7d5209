#include "core/proxy/request_recorder.h"

#include "core/http/wire_format.h"
#include "core/record/capture.h"

#include <algorithm>
#include <limits>

namespace lblab {

namespace {

constexpr std::size_t kMaxClientIdLength = 64;
constexpr std::size_t kMaxCapturedPathLength = 2048;

/// Clears an event for the next request without giving up its strings' capacity.
void resetEvent(RequestEvent& e)
{
    e.tUs = 0;
    e.clientId.clear();
    e.clientIp = 0;
    e.sessionKey.clear();
    e.method.clear();
    e.path.clear();
    e.policy.clear();
    e.decision = DecisionKind::NoBackend;
    e.backend = -1;
    e.backendName.clear();
    e.status = 0;
    e.latencyUs = 0;
    e.session = SessionOutcome::None;
    e.reason = DecisionReason{};
    e.why.clear();
}

/// The client id of an outside client: "ext-" and its address.
void assignExternalId(std::string& out, Ipv4 peer)
{
    out.assign("ext-");
    wire::appendIpv4(out, peer);
}

} // namespace

void RequestRecorder::start(RequestEvent& event, TimePoint arrival, Ipv4 peer) const
{
    resetEvent(event);
    event.tUs = m_capture.sinceStartUs(arrival);
    event.clientIp = peer;
}

void RequestRecorder::startRequest(RequestEvent& event, TimePoint arrival, Ipv4 peer, const MessageHead& req) const
{
    start(event, arrival, peer);
    const std::string_view clientHeader = req.find("X-LBLab-Client");
    if (clientHeader.empty())
        assignExternalId(event.clientId, peer);
    else
        event.clientId.assign(clientHeader.substr(0, kMaxClientIdLength));
    event.method.assign(req.method);
    event.path.assign(req.target.substr(0, kMaxCapturedPathLength));
}

void RequestRecorder::recordAnswer(RequestEvent& event, unsigned status, const Decision& decision,
                                   TimePoint arrival) const
{
    event.status = status;
    event.decision = decision.kind;
    event.backend = decision.backend;
    event.sessionKey.assign(decision.key);
    event.reason = decision.reason;
    event.latencyUs = static_cast<std::uint32_t>(
        std::min<std::int64_t>(microsSince(arrival, Clock::now()), std::numeric_limits<std::uint32_t>::max()));
    m_capture.record(event);
}

void RequestRecorder::startRefusal(RequestEvent& event, TimePoint arrival, Ipv4 peer,
                                   std::string_view bytes) const
{
    start(event, arrival, peer);
    assignExternalId(event.clientId, peer);
    const std::string_view line = bytes.substr(0, std::min(bytes.find("\r\n"), kMaxCapturedPathLength));
    const std::size_t sp = line.find(' ');
    event.method.assign(line.substr(0, std::min<std::size_t>(sp, 16)));
    if (sp != std::string_view::npos) {
        const std::string_view rest = line.substr(sp + 1);
        event.path.assign(rest.substr(0, rest.find(' ')));
    }
}

void RequestRecorder::recordRefusal(RequestEvent& event, unsigned status) const
{
    event.decision = DecisionKind::NoBackend;
    event.backend = -1;
    event.reason = DecisionReason{}; // refused before any policy decided
    event.status = status;
    m_capture.record(event);
}

} // namespace lblab
