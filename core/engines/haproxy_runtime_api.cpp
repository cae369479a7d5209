#include "core/engines/haproxy_runtime_api.h"

#include "core/base/unique_fd.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace lblab {

HaproxyRuntimeApi::HaproxyRuntimeApi(std::filesystem::path socket, std::chrono::milliseconds timeout)
    : m_socket(std::move(socket)), m_timeout(timeout)
{
}

std::string HaproxyRuntimeApi::command(const std::string& line) const
{
    auto fail = [this](const std::string& reason) {
        return std::runtime_error("HAProxy runtime API: " + m_socket.string() + ": " + reason);
    };
    const auto until = std::chrono::steady_clock::now() + m_timeout;
    auto msLeft = [&until] {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
        return static_cast<int>(std::max<long long>(0, left.count()));
    };
    // Waits for `events` on `fd` within the deadline; false on timeout.
    auto await = [&](int fd, short events) {
        for (;;) {
            pollfd p{fd, events, 0};
            const int ready = ::poll(&p, 1, msLeft());
            if (ready < 0 && errno == EINTR)
                continue;
            if (ready < 0)
                throw fail(std::string("poll: ") + std::strerror(errno));
            return ready > 0;
        }
    };

    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string path = m_socket.string();
    if (path.size() >= sizeof address.sun_path)
        throw fail("path too long for a UNIX socket");
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);

    UniqueFd socket(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (socket.get() < 0)
        throw fail(std::string("socket: ") + std::strerror(errno));
    if (::connect(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        if (errno != EINPROGRESS && errno != EAGAIN)
            throw fail(std::string("connect: ") + std::strerror(errno));
        if (!await(socket.get(), POLLOUT))
            throw fail("connect: timed out");
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(socket.get(), SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0)
            throw fail(std::string("connect: ") + std::strerror(error));
    }

    const std::string request = line + "\n";
    std::size_t sent = 0;
    while (sent < request.size()) {
        const ssize_t n = ::send(socket.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            if (!await(socket.get(), POLLOUT))
                throw fail("send: timed out");
            continue;
        }
        throw fail(std::string("send: ") + std::strerror(errno));
    }

    // One command per connection: the half-close says so. The stats socket closes after one
    // command anyway, but the master CLI (2.6) waits for more until its input ends.
    ::shutdown(socket.get(), SHUT_WR);

    std::string answer;
    char buffer[16384];
    for (;;) {
        const ssize_t n = ::recv(socket.get(), buffer, sizeof buffer, 0);
        if (n > 0) {
            answer.append(buffer, static_cast<std::size_t>(n));
            continue;
        }
        if (n == 0)
            return answer;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN) {
            if (!await(socket.get(), POLLIN))
                throw fail("no complete answer to \"" + line + "\" within " + std::to_string(m_timeout.count()) +
                           " ms");
            continue;
        }
        if (errno == ECONNRESET) // the master CLI may reset the connection when it re-executes
            return answer;
        throw fail(std::string("recv: ") + std::strerror(errno));
    }
}

std::string reloadThroughMaster(const std::filesystem::path& masterSocket, std::chrono::milliseconds timeout)
{
    return HaproxyRuntimeApi(masterSocket, timeout).command("reload");
}

} // namespace lblab
