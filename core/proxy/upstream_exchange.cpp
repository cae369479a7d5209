#include "core/proxy/upstream_exchange.h"

#include "core/proxy/balancer_options.h"
#include "core/proxy/batched_write.h"
#include "core/proxy/draining_read.h"
#include "core/proxy/proxy_wire.h"
#include "core/proxy/send_round.h"
#include "core/proxy/upstream_pool.h"
#include "core/proxy/watchdog.h"

#include <boost/asio/write.hpp>

#include <tuple>

namespace lblab {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using proxy_wire::nothrow;

namespace {

constexpr std::size_t kUpstreamHeaderLimit = 64 * 1024;

} // namespace

UpstreamExchange::UpstreamExchange(asio::io_context& io, UpstreamPool& pool, const BalancerOptions& options)
    : m_io(io), m_pool(pool), m_options(options), m_in(proxy_wire::kReadChunk)
{
    m_head.reserve(2048);
    m_response.fields.reserve(32);
}

void UpstreamExchange::trimBuffers()
{
    if (m_in.capacity() > proxy_wire::kKeptBufferBytes)
        m_in.shrink(proxy_wire::kKeptBufferBytes);
    if (m_decoded.capacity() > proxy_wire::kKeptBufferBytes)
        std::string().swap(m_decoded);
}

UpstreamExchange::AnswerState UpstreamExchange::parseAnswer(bool headRequest, std::size_t& headSize,
                                                            BodyFraming& framing, const char*& error)
{
    const std::size_t limit = m_options.responseBodyLimit;
    if (headSize == 0) {
        for (;;) {
            const std::string_view bytes = m_in.data();
            const std::size_t end = bytes.find("\r\n\r\n");
            if (end == std::string_view::npos) {
                if (bytes.size() > kUpstreamHeaderLimit) {
                    error = "header limit exceeded";
                    return AnswerState::Bad;
                }
                return AnswerState::NeedMore;
            }
            if (end + 4 > kUpstreamHeaderLimit) {
                error = "header limit exceeded";
                return AnswerState::Bad;
            }
            if (!m_response.parseResponse(bytes.substr(0, end + 4))) {
                error = "malformed status line or header";
                return AnswerState::Bad;
            }
            const unsigned status = m_response.status;
            if (status >= 100 && status < 200 && status != 101) {
                m_in.consume(end + 4); // an interim answer: the real one follows
                continue;
            }
            headSize = end + 4;
            const MessageHead& res = m_response;
            if (headRequest || status < 200 || status == 204 || status == 304) {
                framing = BodyFraming::None;
            } else if (res.transferEncodingFields > 0) {
                framing = res.chunked ? BodyFraming::Chunked : BodyFraming::UntilClose;
            } else if (res.contentLengthFields > 0) {
                if (!res.contentLengthValid) {
                    error = "bad Content-Length";
                    return AnswerState::Bad;
                }
                if (res.contentLength > limit)
                    return AnswerState::TooLarge;
                framing = BodyFraming::Length;
            } else {
                framing = BodyFraming::UntilClose;
            }
            if (framing == BodyFraming::Chunked) {
                m_decoded.clear();
                m_chunks.reset(limit);
            }
            break;
        }
    }
    switch (framing) {
    case BodyFraming::None:
        m_body = {};
        return AnswerState::Done;
    case BodyFraming::Length:
        if (m_in.size() < headSize + m_response.contentLength)
            return AnswerState::NeedMore;
        m_body = m_in.data().substr(headSize, m_response.contentLength);
        return AnswerState::Done;
    case BodyFraming::Chunked: {
        std::size_t used = 0;
        const auto r = m_chunks.feed(m_in.data().substr(headSize), m_decoded, used);
        m_in.erase(headSize, used);
        switch (r) {
        case ChunkedDecoder::Result::Done:
            m_body = m_decoded;
            return AnswerState::Done;
        case ChunkedDecoder::Result::Bad:
            error = m_chunks.error();
            return AnswerState::Bad;
        case ChunkedDecoder::Result::TooLarge:
            return AnswerState::TooLarge;
        case ChunkedDecoder::Result::NeedMore:
            return AnswerState::NeedMore;
        }
        return AnswerState::NeedMore;
    }
    case BodyFraming::UntilClose:
        if (m_in.size() - headSize > limit)
            return AnswerState::TooLarge;
        return AnswerState::NeedMore; // done only at end of stream
    }
    return AnswerState::NeedMore;
}

asio::awaitable<UpstreamResult> UpstreamExchange::forward(const std::shared_ptr<Watchdog>& watchdog, int backend, tcp::endpoint ep,
                                                          std::string_view name, bool headRequest, std::string_view body)
{
    Watchdog& watch = *watchdog;
    WatchdogDisarm disarm{watch};
    const UpstreamPool::Use use(m_pool, backend); // sizes the backend's idle pool

    UpstreamResult result;
    for (int attempt = 0; attempt < 2; ++attempt) {
        std::optional<ProxySocket> idle = m_pool.take(backend);
        const bool reused = idle.has_value();
        ProxySocket stream = reused ? std::move(*idle) : ProxySocket(m_io);
        const SendRound::Withdraw unsent(stream); // goes before the socket does
        if (!reused) {
            Watchdog::arm(watchdog, stream, m_options.connectTimeoutSeconds);
            auto [ec] = co_await stream.async_connect(ep, nothrow);
            if (ec) {
                result.connectFailed = true;
                result.status = watch.fired ? 504 : 502;
                result.reason = std::string("cannot connect to ").append(name) + ": " +
                                (watch.fired ? "timed out" : ec.message());
                co_return result;
            }
            boost::system::error_code ignored;
            stream.set_option(tcp::no_delay(true), ignored);
        }
        Watchdog::arm(watchdog, stream, m_options.upstreamTimeoutSeconds);
        // The request leaves with the round's others (SendRound), or now when it cannot be queued.
        boost::system::error_code wec;
        if (!SendRound::queue(stream, m_head, body))
            std::tie(wec, std::ignore) = co_await writeNow(stream, m_head, body);
        if (wec) {
            if (reused) {
                m_pool.dropAll(backend); // one stale keep-alive connection means its siblings likely are too
                continue;                // try a fresh one
            }
            const bool timedOut = watch.fired;
            result.status = timedOut ? 504 : 502;
            result.reason = std::string("sending to ").append(name) + " failed: " +
                            (timedOut ? "timed out" : wec.message());
            co_return result;
        }

        m_in.clear();
        std::size_t headSize = 0;
        std::size_t received = 0;
        BodyFraming framing = BodyFraming::None;
        const char* error = "";
        bool retry = false;
        for (;;) {
            const AnswerState state = parseAnswer(headRequest, headSize, framing, error);
            if (state == AnswerState::Done)
                break;
            if (state == AnswerState::Bad || state == AnswerState::TooLarge) {
                result.status = 502;
                result.reason = std::string("bad answer from ").append(name) + ": " +
                                (state == AnswerState::TooLarge ? "body limit exceeded" : error);
                co_return result;
            }
            const char* before = m_in.data().data();
            const auto space = m_in.prepare(proxy_wire::kReadChunk);
            m_response.rebase(before, m_in.data().data());
            const auto buffer = asio::buffer(space.data(), space.size());
            boost::system::error_code rec;
            std::size_t rn = 0;
            if (watch.fired)
                rec = asio::error::operation_aborted;
            else if (received == 0 || !tryReadNow(stream.native_handle(), buffer, rec, rn))
                // The answer's first bytes: nothing to try for yet. Later bytes of the same answer
                // are tried for first (its end of stream may have come with the bytes before).
                std::tie(rec, rn) = co_await asyncReadDraining(stream, buffer, nothrow);
            if (!rec) {
                m_in.commit(rn);
                received += rn;
                continue;
            }
            if (rec == asio::error::eof && headSize > 0 && framing == BodyFraming::UntilClose) {
                m_body = m_in.data().substr(headSize);
                break;
            }
            const bool timedOut = watch.fired;
            const bool closed = !timedOut && received == 0 && proxy_wire::isEof(rec);
            if (reused && closed) {
                m_pool.dropAll(backend); // the backend closed the idle connection before it saw the request
                retry = true;
                break;
            }
            result.dropped = closed;
            result.status = timedOut ? 504 : 502;
            result.reason = (timedOut ? std::string("timed out waiting for ") : std::string("bad answer from "))
                                .append(name) + ": " +
                            (timedOut ? "no complete answer within " + proxy_wire::formatSeconds(m_options.upstreamTimeoutSeconds)
                                      : received == 0 ? rec.message() : "truncated answer (" + rec.message() + ")");
            co_return result;
        }
        if (retry)
            continue;
        watch.disarm();
        result.ok = true;
        const bool leftover = m_in.size() > headSize + (framing == BodyFraming::Length     ? m_response.contentLength
                                                        : framing == BodyFraming::UntilClose ? m_in.size()
                                                                                             : 0);
        if (m_response.keepAlive() && framing != BodyFraming::UntilClose && !leftover)
            m_pool.keep(backend, std::move(stream));
        co_return result;
    }
    result.status = 502;
    result.dropped = true;
    result.reason = std::string("connection to ").append(name) + " closed twice";
    co_return result;
}

} // namespace lblab
