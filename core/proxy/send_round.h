#pragma once

#include "core/proxy/proxy_socket.h"

#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <string_view>

namespace lblab {

/// The upstream requests a balancer thread writes during one round of its event loop, sent
/// together before the thread polls again: HAProxy's order (receive on every ready connection, send,
/// then poll). A backend gets the requests of a round in one burst and wakes once for them; sent
/// one by one between the reads, each woke it on its own, and on two shared cores those wake-ups
/// cost the backends and the load generator more CPU than the proxy itself saves
/// (bench/proxy_peers.sh; figures in bench/RESULTS.md).
///
/// Per thread: only a thread that runs its io_context under an Enable queues; elsewhere queue()
/// refuses and the caller sends. The round ends when a pass through the io_context's queue (which
/// includes a poll of the reactor that does not block) brings no new send, or after kMostPasses
/// passes or kFlushAt sends; then the queued sends leave, in the order queued.
class SendRound {
public:
    /// The largest message queued. Nearly every request is smaller, and a message this small
    /// always fits the empty send buffer of a pooled or fresh connection, so it leaves whole.
    static constexpr std::size_t kLargestQueued = 4096;
    /// Sends queued in one round at most; beyond, queue() refuses.
    static constexpr std::size_t kMostQueued = 256;
    /// A round this large is sent without waiting for another pass.
    static constexpr std::size_t kFlushAt = 64;
    /// Passes through the io_context's queue a round waits at most.
    static constexpr int kMostPasses = 4;

    /// While it lives, this thread (which runs `io` alone) batches the sends of each round.
    class Enable {
    public:
        explicit Enable(boost::asio::io_context& io);
        ~Enable();
        Enable(const Enable&) = delete;
        Enable& operator=(const Enable&) = delete;
    };

    /// Queues `head` then `body` for `socket` until the end of this round, if this thread batches
    /// for the socket's io_context and the message is small (kLargestQueued); false otherwise: the
    /// caller writes it. The socket and both views must stay valid until the round ends: the
    /// caller awaits the answer on that socket. A message that fails to leave whole shuts the
    /// socket down, so the caller's read ends (end of stream) instead of waiting for an answer to
    /// half a request.
    static bool queue(ProxySocket& socket, std::string_view head, std::string_view body);

    /// Takes back, when it goes, whatever queue() holds for `socket` and has not sent yet. Declare
    /// it right after the socket: a socket that goes before its round ends (its read ended first,
    /// e.g. the backend had closed a pooled connection and the exchange retries on a fresh one)
    /// then leaves nothing behind for the round to send on.
    class Withdraw {
    public:
        explicit Withdraw(const ProxySocket& socket) : m_socket(&socket) {}
        ~Withdraw();
        Withdraw(const Withdraw&) = delete;
        Withdraw& operator=(const Withdraw&) = delete;

    private:
        const ProxySocket* m_socket;
    };

    /// Sends queued on this thread and not sent yet.
    static std::size_t queued();

private:
    static void pass();
    static void flush();
};

} // namespace lblab
