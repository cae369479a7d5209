#pragma once

#include "core/backend/session_store_link.h"
#include "core/config/lab_config.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace lblab {

/// Counters a backend keeps; safe to read from any thread.
struct BackendStats {
    std::uint64_t requests = 0;   ///< requests answered (any status), /health excluded
    std::uint64_t rejected = 0;   ///< 503s for a full queue
    std::uint64_t errors = 0;     ///< injected 500s
    std::uint64_t sessionHits = 0;
    std::uint64_t sessionMisses = 0;
    std::uint64_t distinctPeers = 0; ///< distinct X-Forwarded-For client addresses seen
    int inFlight = 0;
    int sessions = 0;             ///< sessions held now (local store only: elsewhere the server holds none)
};

/// An in-process HTTP/1.1 backend ("s1".."sN") on 127.0.0.1 that keeps server-side sessions.
/// Endpoints: GET /search?loc=REGION, POST /login, GET /account, GET /health.
/// Every answer carries X-Backend; session endpoints answer X-Session: created|hit|miss, and
/// invalid (a refused signed cookie) or unavailable (the shared store did not answer).
/// Runs on the io_context it is given; every public call is thread-safe.
class BackendServer {
public:
    /// How long a connection may take at each step before the server closes it.
    struct Timeouts {
        std::chrono::milliseconds idle{30'000};   ///< a kept-alive connection with no (whole) request
        std::chrono::milliseconds write{10'000};  ///< a client that does not read its answer
        std::chrono::milliseconds linger{1'000};  ///< draining a bad client after its 400, before closing
    };

    /// Makes a backend that will run on `io`, keeping its sessions where `store` says.
    BackendServer(boost::asio::io_context& io, BackendSpec spec, std::uint64_t seed, SessionStoreLink store = {});
    /// Stops it.
    ~BackendServer();
    BackendServer(const BackendServer&) = delete;
    BackendServer& operator=(const BackendServer&) = delete;

    /// Binds 127.0.0.1:`port` (0 = a free port) and starts accepting.
    /// Throws std::system_error whose message names the address on failure.
    void start(std::uint16_t port = 0);
    /// Crashes it: stops accepting, closes every connection and drops every session (its memory).
    void kill();
    /// Accepts again on the same port after kill(), with no sessions.
    void restore();
    /// Final stop: closes everything; the object may then be destroyed.
    void stop();

    /// Replaces the connection timeouts; only before start() (std::logic_error after).
    void setTimeouts(Timeouts timeouts);
    /// Changes the probability of answering 500.
    void setErrorRate(double rate);
    /// Changes the mean service time.
    void setServiceTimeMs(double ms);

    /// The spec it was made with (name, region, weight...).
    const BackendSpec& spec() const;
    /// The address it listens on (valid after start()).
    boost::asio::ip::tcp::endpoint endpoint() const;
    /// True between start()/restore() and kill()/stop().
    bool alive() const;
    /// A copy of its counters.
    BackendStats stats() const;

private:
    class Impl;
    std::shared_ptr<Impl> m_impl;
};

} // namespace lblab
