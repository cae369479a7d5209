#pragma once

// Where an outside balancer's log lines arrive: a UDP socket on 127.0.0.1 (not a UNIX datagram
// socket, whose queue Linux limits to net.unix.max_dgram_qlen, 10 on Debian, so bursts are dropped).

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>

namespace lblab {

/// Receives syslog or raw log datagrams over UDP on 127.0.0.1, one callback per datagram.
class LogSocket {
public:
    /// The largest datagram kept whole (a longer one is cut to this size).
    static constexpr std::size_t kMaxDatagramBytes = 65536;

    /// `onDatagram` is called from the reader thread with each datagram (valid during the call).
    explicit LogSocket(std::function<void(std::string_view datagram)> onDatagram);
    LogSocket(const LogSocket&) = delete;
    LogSocket& operator=(const LogSocket&) = delete;
    /// stop().
    ~LogSocket();

    /// Binds 127.0.0.1:0, asks for a 16 MiB receive buffer (SO_RCVBUFFORCE, else SO_RCVBUF up to the
    /// system's limit) and starts the reader thread; returns the port. Throws std::runtime_error when
    /// the socket cannot be made, std::logic_error when called a second time (even after stop()).
    std::uint16_t bindLoopback();
    /// Stops the reader thread (within milliseconds) and closes the socket. Idempotent.
    void stop();
    /// Datagrams received so far.
    std::uint64_t datagrams() const { return m_datagrams.load(std::memory_order_relaxed); }
    /// Datagrams the kernel dropped on this socket (a full receive buffer), from SO_MEMINFO; 0 where
    /// the system does not tell. After stop(), the count at stop.
    std::uint64_t kernelDrops() const;
    /// The receive buffer the kernel granted, in bytes (0 before bindLoopback).
    int receiveBufferBytes() const { return m_receiveBuffer; }

private:
    void run();
    std::uint64_t readDrops() const;

    std::function<void(std::string_view)> m_onDatagram;
    mutable std::mutex m_stopMutex;
    int m_fd = -1;
    int m_wakeFd = -1;
    int m_receiveBuffer = 0;
    bool m_bound = false;
    std::thread m_thread;
    std::atomic<std::uint64_t> m_datagrams{0};
    std::atomic<std::uint64_t> m_dropsAtStop{0};
    std::atomic<bool> m_open{false};
};

} // namespace lblab
