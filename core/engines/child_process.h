#pragma once

// One outside program (HAProxy, NGINX) run as a child of the lab, in its own process group, that
// never outlives the lab: not after a clean stop, not after the lab crashes or is SIGKILLed, and not
// its own children either (NGINX's workers survive their master's death).
//
// How:
// - The child is forked from a supervisor thread the object owns, which lives until the child is
//   reaped: PR_SET_PDEATHSIG (SIGKILL) fires when the *thread* that forked dies, not the process.
// - The child calls setpgid(0, 0); every signal goes to the whole group.
// - A sentinel (/bin/sh, in its own process group, ignoring SIGINT/SIGHUP/SIGQUIT) blocks reading a
//   pipe whose write end only the lab holds. When the lab dies for any reason the kernel closes that
//   end, the read returns EOF, and the sentinel SIGKILLs the child's process group. On a normal end
//   the lab writes "quit" to it instead.
// - When the child exits (on its own or stopped), whatever is left of its group is SIGKILLed
//   before the child is reaped: a process group ID stays reserved while its leader is an unreaped
//   zombie, so no signal can reach a recycled group.
// - The child gets stdin from /dev/null, stdout and stderr into one pipe read line by line, and no
//   other descriptor of the lab (close_range). Between fork and exec only async-signal-safe calls.
// The program must stay in the foreground (HAProxy without -D, NGINX with "daemon off").

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>

namespace lblab {

/// A supervised child process; see the file comment.
class ChildProcess {
public:
    /// What to run and where its output and end go.
    struct Options {
        /// The program and its arguments; argv[0] is a path, or a name looked up with findProgram.
        std::vector<std::string> argv;
        /// The child's working folder; empty keeps the lab's.
        std::filesystem::path workDir;
        /// Each line of the child's stdout and stderr (without the newline; a line longer than
        /// kMaxLineBytes is cut there and the rest of it dropped), called from the supervisor thread.
        /// An exception it throws is swallowed (as is one from onExit).
        std::function<void(const std::string& line)> onOutput;
        /// Called once when the child has exited, from the supervisor thread, after its last output
        /// line: the exit code, or 128 + the signal that killed it. Must not destroy the object.
        std::function<void(int status)> onExit;
    };

    /// The longest output line passed to onOutput.
    static constexpr std::size_t kMaxLineBytes = 4096;
    /// The grace the destructor gives the child between SIGTERM and SIGKILL.
    static constexpr std::chrono::milliseconds kDefaultGrace{2000};

    explicit ChildProcess(Options options);
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    /// stop(kDefaultGrace).
    ~ChildProcess();

    /// Starts the child; returns once it has exec'ed the program. Throws std::runtime_error with one
    /// line naming the program and the reason ("cannot start /usr/sbin/haproxy: No such file or
    /// directory") when it cannot be started, and std::logic_error when called twice.
    void start();

    /// The child's pid (also its process group id); -1 before start().
    pid_t pid() const;
    /// Started and not exited yet.
    bool running() const;
    /// Sends `sig` to the child's process group (nothing once the child has been reaped).
    void signal(int sig);
    /// SIGTERM to the group, up to `grace` for the child to exit, then SIGKILL to the group; waits
    /// for the end and returns the exit status (as onExit has it; -1 if never started). Idempotent.
    /// Not to be called from onOutput or onExit.
    int stop(std::chrono::milliseconds grace = kDefaultGrace);

private:
    struct Launch;
    void supervise(Launch& launch);
    void superviseRunning(int outFd, int lifelineFd, pid_t sentinel);
    void emitLine(std::string& line);

    Options m_options;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::thread m_thread;
    pid_t m_pid = -1;
    bool m_started = false;
    bool m_exited = false; ///< the child has exited (it may still be an unreaped zombie)
    bool m_reaped = false; ///< waitpid collected it: its pid and group id may be reused now
    int m_status = -1;
};

} // namespace lblab
