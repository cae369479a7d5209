#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace lblab {

/// A TCP port free on `address` right now: binds port 0, reads the port the kernel chose, closes.
/// (Another program may take it before it is used; callers retry on a failed bind.) Throws
/// std::runtime_error when no socket can be bound.
std::uint16_t freeTcpPort(const std::string& address = "127.0.0.1");

/// Whether a TCP connection to address:port is accepted within `timeout`.
bool portAccepts(const std::string& address, std::uint16_t port, std::chrono::milliseconds timeout);

} // namespace lblab
