#include "core/engines/log_socket.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace lblab {

namespace {

constexpr int kWantedReceiveBuffer = 16 * 1024 * 1024;

[[noreturn]] void fail(const char* what)
{
    throw std::runtime_error(std::string("log socket: ") + what + ": " + std::strerror(errno));
}

} // namespace

LogSocket::LogSocket(std::function<void(std::string_view datagram)> onDatagram)
    : m_onDatagram(std::move(onDatagram))
{
}

LogSocket::~LogSocket()
{
    stop();
}

std::uint16_t LogSocket::bindLoopback()
{
    std::lock_guard lock(m_stopMutex);
    if (m_bound)
        throw std::logic_error("LogSocket::bindLoopback called twice");
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        fail("socket");
    auto closeOnError = [fd](const char* what) {
        const int error = errno;
        ::close(fd);
        errno = error;
        fail(what);
    };
    int size = kWantedReceiveBuffer;
    // SO_RCVBUFFORCE needs CAP_NET_ADMIN; SO_RCVBUF is capped at net.core.rmem_max.
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    socklen_t length = sizeof m_receiveBuffer;
    ::getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &m_receiveBuffer, &length);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
        closeOnError("bind 127.0.0.1:0");
    socklen_t addressLength = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &addressLength) != 0)
        closeOnError("getsockname");
    const int wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake < 0)
        closeOnError("eventfd");
    m_fd = fd;
    m_wakeFd = wake;
    m_bound = true;
    m_open = true;
    m_thread = std::thread([this] { run(); });
    return ntohs(address.sin_port);
}

void LogSocket::run()
{
    std::vector<char> buffer(kMaxDatagramBytes);
    for (;;) {
        std::array<pollfd, 2> fds{pollfd{m_fd, POLLIN, 0}, pollfd{m_wakeFd, POLLIN, 0}};
        // The eventfd wakes stop() at once; the timeout is only a backstop.
        const int ready = ::poll(fds.data(), fds.size(), 200);
        if (ready < 0 && errno != EINTR)
            return;
        if (fds[1].revents != 0 || !m_open.load())
            return;
        if (!(fds[0].revents & POLLIN))
            continue;
        // Everything queued, then back to poll.
        for (int i = 0; i < 4096; ++i) {
            const ssize_t n = ::recv(m_fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
            if (n < 0)
                break;
            m_datagrams.fetch_add(1, std::memory_order_relaxed);
            if (m_onDatagram)
                m_onDatagram(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
        }
    }
}

void LogSocket::stop()
{
    std::lock_guard lock(m_stopMutex);
    if (m_wakeFd >= 0) {
        m_open = false;
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto n = ::write(m_wakeFd, &one, sizeof one);
    }
    if (m_thread.joinable())
        m_thread.join();
    if (m_fd >= 0) {
        m_dropsAtStop = readDrops();
        ::close(m_fd);
        m_fd = -1;
    }
    if (m_wakeFd >= 0) {
        ::close(m_wakeFd);
        m_wakeFd = -1;
    }
}

std::uint64_t LogSocket::readDrops() const
{
#ifdef SO_MEMINFO // SK_MEMINFO_DROPS is an enumerator, not a macro
    std::array<std::uint32_t, SK_MEMINFO_VARS> info{};
    socklen_t length = sizeof info;
    if (m_fd >= 0 && ::getsockopt(m_fd, SOL_SOCKET, SO_MEMINFO, info.data(), &length) == 0 &&
        length >= (SK_MEMINFO_DROPS + 1) * sizeof(std::uint32_t))
        return info[SK_MEMINFO_DROPS];
#endif
    return 0;
}

std::uint64_t LogSocket::kernelDrops() const
{
    std::lock_guard lock(m_stopMutex);
    if (m_fd >= 0)
        return readDrops();
    return m_dropsAtStop.load();
}

} // namespace lblab
