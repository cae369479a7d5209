#pragma once

#include "core/base/clock.h"
#include "core/proxy/proxy_socket.h"

#include <boost/asio/io_context.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace lblab {

struct BalancerOptions;

/// A client connection's place in its worker's IdleConnections: the links and the deadline. What
/// waits derives from it (the expire function gets the hook back and casts it down).
struct IdleHook {
    IdleHook* prev = nullptr;
    IdleHook* next = nullptr;
    TimePoint deadline{};
    std::uint8_t list = 0; ///< which list it is linked in (an IdleConnections::Wait)
    bool linked = false;
    bool expired = false;  ///< the deadline passed while it waited
};

/// The deadlines of one balancer thread's waiting client connections: new ones waiting for their
/// first request (header timeout), kept-alive ones waiting for their next (idle timeout), and busy
/// ones that keep their buffers a moment for a next request that is likely to come soon (the hot
/// grace). A waiting connection then needs no timer of its own: one list per kind of wait in
/// deadline order (each has one timeout, so appending keeps the order) and one timer for the
/// thread, which fires at most ten times a second and cancels the waits whose deadline passed
/// (they close, answer 408, or give their buffers back). Only its own thread touches it.
class IdleConnections {
public:
    /// What a waiting connection is waiting for.
    enum class Wait : std::uint8_t { FirstRequest, NextRequest, Hot };
    /// Called for an expired connection (its wait must end): the hook, unlinked, marked expired.
    using ExpireFn = void (*)(IdleHook&);

    /// Deadlines from `options` (which outlive it); expired hooks go to `expire`. Only keeps the
    /// reference to `io` (its timer is made when first needed): the worker declares this first.
    IdleConnections(boost::asio::io_context& io, const BalancerOptions& options, ExpireFn expire);

    /// Starts counting `hook`'s deadline: the header timeout for a first request, the idle timeout
    /// for a next one, the hot grace for a hot wait (any may pass up to the timer's resolution, 100 ms, late).
    void add(IdleHook& hook, Wait wait);
    /// Stops counting it (its wait ended); nothing if it is not linked.
    void remove(IdleHook& hook);
    /// Waiting connections now.
    std::size_t size() const { return m_size; }
    /// Before the io_context goes: drops the timer (hooks may still be removed afterwards).
    void close();

private:
    struct List {
        IdleHook* head = nullptr;
        IdleHook* tail = nullptr;
    };

    void arm(TimePoint at);
    void onTimer();
    void expireUntil(List& list, TimePoint now);
    /// The earliest deadline of all lists (max() when they are empty).
    TimePoint earliest() const;

    boost::asio::io_context& m_io;
    const BalancerOptions& m_options;
    ExpireFn m_expire;
    bool m_closed = false;
    std::optional<ProxyTimer> m_timer;
    TimePoint m_timerAt = TimePoint::max(); ///< when the pending wait fires (max(): none pending)
    TimePoint m_lastFired{};
    std::array<List, 3> m_lists; ///< by Wait
    std::size_t m_size = 0;
};

} // namespace lblab
