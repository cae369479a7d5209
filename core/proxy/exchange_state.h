#pragma once

#include "core/http/chunked_decoder.h"
#include "core/http/message_head.h"
#include "core/http/read_buffer.h"
#include "core/policies/decision.h"
#include "core/proxy/upstream_exchange.h"
#include "core/proxy/watchdog.h"
#include "core/request_event.h"

#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lblab {

struct BalancerOptions;
class UpstreamPool;

/// Everything a client connection needs only while it serves a request: the client's bytes and the
/// request parsed in place, the upstream side's buffers, the answer's head, the event and the
/// policy's decisions, the deadline timer. A connection borrows one from its thread's ExchangePool when a request's
/// first bytes arrive and gives it back when the answer is written and nothing more is buffered, so
/// an idle keep-alive connection holds none of this (about 37 KB). Reused whole, with every buffer's
/// capacity, so the steady state allocates nothing.
struct ExchangeState {
    /// Upstream connections come from `pool`, new ones on `io`; both outlive it.
    ExchangeState(boost::asio::io_context& io, UpstreamPool& pool, const BalancerOptions& options);

    ReadBuffer in;                      ///< client bytes; the request head stays at its front while served
    MessageHead request;                ///< views into `in`
    std::string requestBody;            ///< a decoded chunked request body
    ChunkedDecoder chunks;              ///< of a chunked request body
    UpstreamExchange upstream;          ///< the backend side of the request being served
    std::string out;                    ///< the response head sent to the client
    std::string plainBody;              ///< the text of a response the balancer makes itself
    std::string_view body;              ///< the response body to send (the upstream answer's or plainBody)
    std::vector<std::string_view> cookies; ///< Set-Cookie values of the answer, for the policy
    RequestEvent event;
    Decision decision; ///< the policy's pick for the request being served
    Decision retry;    ///< the pick for its one retry elsewhere
    std::shared_ptr<Watchdog> watch; ///< the request's deadlines (shared with its timer's handler)

    /// Before it goes back to the pool: forgets the connection's bytes and gives back the memory a
    /// large message made grow, so a pooled state has its usual size.
    void recycle();
};

} // namespace lblab
