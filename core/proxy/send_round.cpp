#include "core/proxy/send_round.h"

#include "core/proxy/batched_write.h"

#include <boost/asio/post.hpp>

#include <array>

namespace lblab {

namespace {

struct QueuedSend {
    ProxySocket* socket; ///< null once withdrawn
    std::string_view head;
    std::string_view body;
};

/// This thread's round: the io_context it batches for, what it queued (a fixed array: no
/// allocation per request, and a bound), and where the round's end stands.
struct RoundState {
    boost::asio::io_context* io = nullptr;
    bool passPosted = false;
    int passes = 0;
    std::size_t countAtLastPass = 0;
    std::size_t count = 0;
    std::array<QueuedSend, SendRound::kMostQueued> sends{};
};

thread_local RoundState t_round;

} // namespace

SendRound::Enable::Enable(boost::asio::io_context& io)
{
    t_round = {};
    t_round.io = &io;
}

SendRound::Enable::~Enable()
{
    t_round.io = nullptr;
    t_round.count = 0; // the io_context stopped: its connections are going, nothing is sent now
    t_round.passPosted = false;
}

SendRound::Withdraw::~Withdraw()
{
    // Nearly always nothing to scan: the answer this socket waited for came after its round left.
    for (std::size_t i = 0; i < t_round.count; ++i)
        if (t_round.sends[i].socket == m_socket)
            t_round.sends[i].socket = nullptr;
}

bool SendRound::queue(ProxySocket& socket, std::string_view head, std::string_view body)
{
    if (!t_round.io || &socket.get_executor().context() != t_round.io || t_round.count == t_round.sends.size() ||
        head.size() + body.size() > kLargestQueued)
        return false;
    t_round.sends[t_round.count++] = {&socket, head, body};
    if (!t_round.passPosted) {
        t_round.passPosted = true;
        t_round.passes = 0;
        t_round.countAtLastPass = 0;
        boost::asio::post(*t_round.io, [] { pass(); });
    }
    return true;
}

void SendRound::pass()
{
    // Posted behind every handler ready now and behind the reactor's next poll: when it runs, the
    // round has read what was ready. More sends since the last pass mean the round is still
    // growing: one more pass, within the bounds.
    if (t_round.count > t_round.countAtLastPass && t_round.count < kFlushAt && t_round.passes < kMostPasses) {
        t_round.countAtLastPass = t_round.count;
        ++t_round.passes;
        boost::asio::post(*t_round.io, [] { pass(); });
        return;
    }
    t_round.passPosted = false;
    flush();
}

void SendRound::flush()
{
    for (std::size_t i = 0; i < t_round.count; ++i) {
        const QueuedSend& send = t_round.sends[i];
        if (!send.socket || !send.socket->is_open()) // withdrawn, or closed
            continue;
        boost::system::error_code ec;
        std::size_t sent = 0;
        if (sendNow(send.socket->native_handle(), send.head, send.body, ec, sent) && !ec)
            continue;
        // Refused, or only part of it left (a small message into an empty send buffer: it does not
        // happen in practice): end the connection, so the waiting read sees it end.
        boost::system::error_code ignored;
        send.socket->shutdown(ProxySocket::shutdown_both, ignored);
    }
    t_round.count = 0;
}

std::size_t SendRound::queued()
{
    return t_round.count;
}

} // namespace lblab
