#include "core/proxy/exchange_state.h"

#include "core/proxy/proxy_wire.h"

namespace lblab {

ExchangeState::ExchangeState(boost::asio::io_context& io, UpstreamPool& pool, const BalancerOptions& options)
    : in(proxy_wire::kReadChunk), upstream(io, pool, options), watch(std::make_shared<Watchdog>(io))
{
    request.fields.reserve(32);
    out.reserve(2048);
    cookies.reserve(8);
}

void ExchangeState::recycle()
{
    in.clear();
    if (in.capacity() > proxy_wire::kKeptBufferBytes)
        in.shrink(proxy_wire::kKeptBufferBytes);
    if (requestBody.capacity() > proxy_wire::kKeptBufferBytes)
        std::string().swap(requestBody);
    if (plainBody.capacity() > proxy_wire::kKeptBufferBytes)
        std::string().swap(plainBody);
    body = {};
    upstream.trimBuffers();
    watch->disarm();
}

} // namespace lblab
