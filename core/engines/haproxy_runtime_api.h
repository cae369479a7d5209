#pragma once

// HAProxy's runtime API: the stats socket ("stats socket <runDir>/stats.sock mode 600 level admin")
// and the master CLI ("-W -S <runDir>/master.sock"), both UNIX stream sockets in the run folder.

#include <chrono>
#include <filesystem>
#include <string>

namespace lblab {

/// A synchronous client: one connection per command (HAProxy closes it after answering).
class HaproxyRuntimeApi {
public:
    /// `socket`: the stats or master socket; `timeout` bounds each command as a whole.
    explicit HaproxyRuntimeApi(std::filesystem::path socket,
                               std::chrono::milliseconds timeout = std::chrono::milliseconds(1000));

    /// Connects, sends `line` + "\n" and half-closes (the master CLI answers only then), reads the
    /// answer until HAProxy closes the connection. HAProxy's own refusals ("No such server.") are
    /// answers, not errors. Throws
    /// std::runtime_error("HAProxy runtime API: <socket>: <reason>") on a connect or I/O error or
    /// when the answer does not end within the timeout.
    std::string command(const std::string& line) const;

    /// The socket this client talks to.
    const std::filesystem::path& socket() const { return m_socket; }

private:
    std::filesystem::path m_socket;
    std::chrono::milliseconds m_timeout;
};

/// Sends "reload" to HAProxy's master CLI (`masterSocket`, from -S) and returns its answer (empty
/// in HAProxy 2.6, which answers a reload by closing the connection). Throws as command() does.
/// The master then re-executes itself: its socket refuses connections until the new configuration
/// is loaded (about a second), and a new worker with a new stats socket replaces the old one (the
/// program prints "Loading success." again on its output).
std::string reloadThroughMaster(const std::filesystem::path& masterSocket,
                                std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

} // namespace lblab
