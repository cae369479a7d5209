#pragma once

#include "core/base/clock.h"
#include "core/base/ipv4.h"
#include "core/http/message_head.h"
#include "core/request_event.h"

#include <string_view>

namespace lblab {

class Capture;

/// Turns one proxied exchange (or one refused request) into the RequestEvent the capture
/// records. Works on an event the connection keeps from request to request, so the steady state
/// allocates nothing: clearing keeps the strings' capacity.
class RequestRecorder {
public:
    /// Records into `capture`, which outlives it.
    explicit RequestRecorder(Capture& capture) : m_capture(capture) {}

    /// Starts the event of a request that parsed: arrival, client (its X-LBLab-Client id, or
    /// "ext-" and its address), method and target. The policy and backend follow from the pick.
    void startRequest(RequestEvent& event, TimePoint arrival, Ipv4 peer, const MessageHead& request) const;
    /// Records the answer: its status, the policy's decision and the latency so far. Called
    /// before the answer leaves, so a client never sees an answer the capture lacks.
    void recordAnswer(RequestEvent& event, unsigned status, const Decision& decision, TimePoint arrival) const;

    /// Starts the event of a refused request from its raw bytes: method and target of the
    /// request line, bounded, even when it did not parse. The policy in force follows.
    void startRefusal(RequestEvent& event, TimePoint arrival, Ipv4 peer, std::string_view requestBytes) const;
    /// Records a refusal: no backend, `status`, like any other answer, so the user sees what was
    /// refused and why.
    void recordRefusal(RequestEvent& event, unsigned status) const;

private:
    void start(RequestEvent& event, TimePoint arrival, Ipv4 peer) const;

    Capture& m_capture;
};

} // namespace lblab
