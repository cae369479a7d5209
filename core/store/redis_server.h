#pragma once

// A real Redis server as the lab's child, for the shared session store.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace lblab {

class ChildProcess;
class RunDir;

/// Debian's redis-server (7.0), unmodified, started by the lab as a child on a generated
/// configuration in a private 0700 folder: no TCP port (`port 0`), a UNIX socket there with mode
/// 0600, no persistence (`save ""`, no AOF), in the foreground, its output to `onOutput`. It dies
/// with the lab (ChildProcess). kill() and restore() are the user's Kill and Restore: a restored
/// server starts empty, on the same socket path, as a real restart without persistence does.
/// `LBLAB_REDIS` names another build of the program.
class RedisServer {
public:
    /// Each line the server prints (from the child's reader thread).
    using OutputHandler = std::function<void(const std::string& line)>;

    explicit RedisServer(OutputHandler onOutput = {});
    ~RedisServer();
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    /// Starts the server and waits (at most `deadline`) until it answers PING on its socket. Throws
    /// StoreError with one line naming the problem: the program is missing, exited, or never answered.
    void start(std::chrono::milliseconds deadline = std::chrono::seconds(5));
    /// Stops it for good (idempotent); the folder goes with it.
    void stop();
    /// Kills it at once (SIGKILL): every connection breaks and every key is lost.
    void kill();
    /// Starts it again, empty, on the same socket path. Throws like start().
    void restore(std::chrono::milliseconds deadline = std::chrono::seconds(5));
    /// True while the child runs.
    bool running() const;
    /// The UNIX socket the server listens on (valid after start()).
    std::filesystem::path socketPath() const;
    /// The configuration file's text for a server living in `folder`.
    static std::string configFor(const std::filesystem::path& folder);
    /// True when a server answers PING with PONG on `socket` within `timeout`.
    static bool answersPing(const std::filesystem::path& socket, std::chrono::milliseconds timeout);

private:
    void launch(std::chrono::milliseconds deadline);

    OutputHandler m_onOutput;
    std::filesystem::path m_program;
    std::unique_ptr<RunDir> m_runDir;
    std::unique_ptr<ChildProcess> m_child;
    mutable std::mutex m_outputMutex;
    std::string m_lastLine; ///< the server's last output line (for a failed start's message); under m_outputMutex
};

} // namespace lblab
