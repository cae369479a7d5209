#include "core/engines/free_port.h"

#include "core/base/unique_fd.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace lblab {

namespace {

bool toAddress(const std::string& text, std::uint16_t port, sockaddr_in& address)
{
    address = {};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    return ::inet_pton(AF_INET, text.c_str(), &address.sin_addr) == 1;
}

/// A non-blocking IPv4 stream socket.
int streamSocket()
{
    return ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
}

} // namespace

std::uint16_t freeTcpPort(const std::string& address)
{
    sockaddr_in where;
    if (!toAddress(address, 0, where))
        throw std::runtime_error("free port: not an IPv4 address: " + address);
    UniqueFd socket(streamSocket());
    if (socket.get() < 0)
        throw std::runtime_error(std::string("free port: socket: ") + std::strerror(errno));
    if (::bind(socket.get(), reinterpret_cast<sockaddr*>(&where), sizeof where) != 0)
        throw std::runtime_error("free port: bind " + address + ":0: " + std::strerror(errno));
    socklen_t length = sizeof where;
    if (::getsockname(socket.get(), reinterpret_cast<sockaddr*>(&where), &length) != 0)
        throw std::runtime_error(std::string("free port: getsockname: ") + std::strerror(errno));
    return ntohs(where.sin_port);
}

bool portAccepts(const std::string& address, std::uint16_t port, std::chrono::milliseconds timeout)
{
    sockaddr_in where;
    if (!toAddress(address, port, where))
        return false;
    UniqueFd socket(streamSocket());
    if (socket.get() < 0)
        return false;
    if (::connect(socket.get(), reinterpret_cast<sockaddr*>(&where), sizeof where) == 0)
        return true;
    if (errno != EINPROGRESS)
        return false;
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
        pollfd fd{socket.get(), POLLOUT, 0};
        const int ready = ::poll(&fd, 1, static_cast<int>(std::max<long long>(0, left.count())));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            return false;
        int error = 0;
        socklen_t length = sizeof error;
        if (::getsockopt(socket.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0)
            return false;
        return error == 0;
    }
}

} // namespace lblab
