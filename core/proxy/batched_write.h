#pragma once

#include "core/proxy/proxy_socket.h"
#include "core/proxy/proxy_wire.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <tuple>

namespace lblab {

/// One non-blocking gather send of `head` then `body` (MSG_NOSIGNAL). Returns true when it is
/// finished: everything sent (`n` = both sizes, no error) or a send error other than "would
/// block" (in `ec`). Returns false when the socket took only `n` bytes (possibly 0): the rest
/// must wait for the socket to drain.
bool sendNow(int fd, std::string_view head, std::string_view body, boost::system::error_code& ec, std::size_t& n);

/// Writes `head` then `body` to `socket` now, with `async_write`'s result. The message leaves with
/// one `sendmsg` when the socket takes it whole (nearly every answer and upstream request), and the
/// coroutine goes on at once, where `async_write` would resume it only through the event loop's
/// queue; only what the socket cannot take yet goes through `async_write`, so a watchdog's cancel
/// still ends it.
inline boost::asio::awaitable<std::tuple<boost::system::error_code, std::size_t>>
writeNow(ProxySocket& socket, std::string_view head, std::string_view body)
{
    boost::system::error_code ec;
    std::size_t sent = 0;
    if (sendNow(socket.native_handle(), head, body, ec, sent))
        co_return std::tuple{ec, sent};
    const std::size_t fromHead = std::min(sent, head.size());
    head.remove_prefix(fromHead);
    body.remove_prefix(sent - fromHead);
    auto [wec, more] = co_await boost::asio::async_write(socket, proxy_wire::twoBuffers(head, body), proxy_wire::nothrow);
    co_return std::tuple{wec, sent + more};
}

/// Resumes the coroutine after every handler that is ready now has run. Before a write, it makes
/// the reads of one poll round go first and their writes after them, as HAProxy runs its receives
/// and then its sends: a backend or a client then gets the requests or answers of a round together
/// and wakes once for them; written one by one between the reads, each woke it on its own
/// (bench/proxy_peers.sh counts the wake-ups; bench/RESULTS.md has the figures).
inline auto afterReadyHandlers(const ProxySocket::executor_type& executor)
{
    return boost::asio::post(executor, boost::asio::use_awaitable);
}

/// writeNow() once the handlers ready now have run (afterReadyHandlers).
inline boost::asio::awaitable<std::tuple<boost::system::error_code, std::size_t>>
writeBatched(ProxySocket& socket, std::string_view head, std::string_view body)
{
    co_await afterReadyHandlers(socket.get_executor());
    co_return co_await writeNow(socket, head, body);
}

} // namespace lblab
