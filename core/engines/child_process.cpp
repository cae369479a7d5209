#include "core/engines/child_process.h"

#include "core/base/unique_fd.h"

#include "core/engines/program_lookup.h"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <future>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace lblab {

namespace {

/// Where the child failed before exec, sent back through the CLOEXEC pipe.
enum class ChildStage : int { Chdir = 1, Exec = 2 };
struct ChildFailure {
    int stage = 0;
    int error = 0;
};

/// The sentinel's program: one line from the lifeline pipe; "quit" ends it quietly, EOF (the lab
/// died) kills the child's group. $1 is the group id.
constexpr const char* kSentinelScript =
    "read -r line; [ \"$line\" = quit ] && exit 0; kill -s KILL -- \"-$1\"; exit 0";

std::string errnoText(int error)
{
    return std::strerror(error);
}

/// Moves a descriptor above the standard three (the lab may have closed its stdin), keeping CLOEXEC.
int aboveStandard(int fd)
{
    if (fd < 0 || fd > 2)
        return fd;
    const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    ::close(fd);
    return moved;
}

bool makePipe(UniqueFd& readEnd, UniqueFd& writeEnd)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return false;
    readEnd.reset(aboveStandard(fds[0]));
    writeEnd.reset(aboveStandard(fds[1]));
    return readEnd.get() >= 0 && writeEnd.get() >= 0;
}

// ---- between fork and exec: async-signal-safe calls only ----

void resetSignals()
{
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig)
        if (sig != SIGKILL && sig != SIGSTOP)
            ::sigaction(sig, &action, nullptr); // fails harmlessly for the C library's reserved ones
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

void closeFrom(int first, int maxFd)
{
    if (::syscall(SYS_close_range, static_cast<unsigned>(first), ~0U, 0U) == 0)
        return;
    for (int fd = first; fd < maxFd; ++fd)
        ::close(fd);
}

[[noreturn]] void failInChild(int reportFd, ChildStage stage, int error)
{
    ChildFailure failure{static_cast<int>(stage), error};
    [[maybe_unused]] const auto n = ::write(reportFd, &failure, sizeof failure);
    ::_exit(127);
}

int decodeStatus(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

/// Has `pid` exited? Does not reap it.
bool hasExited(pid_t pid)
{
    siginfo_t info;
    std::memset(&info, 0, sizeof info);
    if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0)
        return errno == ECHILD; // not our child any more: nothing to wait for
    return info.si_pid == pid;
}

/// Reaps `pid`, giving it `patience` to exit on its own before SIGKILL.
void reapWithin(pid_t pid, std::chrono::milliseconds patience)
{
    const auto until = std::chrono::steady_clock::now() + patience;
    for (;;) {
        int status = 0;
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return;
        if (std::chrono::steady_clock::now() >= until) {
            ::kill(pid, SIGKILL);
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            return;
        }
        ::poll(nullptr, 0, 2); // a short pause; the sentinel ends within a few milliseconds
    }
}

} // namespace

struct ChildProcess::Launch {
    std::promise<std::string> result; ///< "" once exec'ed, else the one-line reason
};

ChildProcess::ChildProcess(Options options) : m_options(std::move(options)) {}

ChildProcess::~ChildProcess()
{
    try {
        stop(kDefaultGrace);
    } catch (...) {
    }
    if (m_thread.joinable()) {
        if (m_thread.get_id() == std::this_thread::get_id())
            m_thread.detach();
        else
            m_thread.join();
    }
}

void ChildProcess::start()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_started || m_thread.joinable())
            throw std::logic_error("ChildProcess::start called twice");
    }
    if (m_options.argv.empty())
        throw std::runtime_error("cannot start a program: no program named");
    Launch launch;
    auto outcome = launch.result.get_future();
    m_thread = std::thread([this, &launch] {
        try {
            supervise(launch);
        } catch (const std::exception& e) { // before the launch was reported: allocation failures
            try {
                launch.result.set_value("cannot start " + m_options.argv.front() + ": " + e.what());
            } catch (...) {
            }
        }
    });
    const std::string error = outcome.get();
    if (!error.empty()) {
        m_thread.join();
        throw std::runtime_error(error);
    }
}

void ChildProcess::supervise(Launch& launch)
{
    const std::string& name = m_options.argv.front();
    auto fail = [&](const std::string& reason) { launch.result.set_value("cannot start " + name + ": " + reason); };

    // Everything the child needs is prepared before fork: it may not allocate afterwards.
    const auto program = findProgram(name);
    if (!program) {
        fail(errnoText(ENOENT));
        return;
    }
    const std::string path = program->string();
    std::vector<char*> argv;
    for (const auto& arg : m_options.argv)
        argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    const std::string workDir = m_options.workDir.string();
    const pid_t labPid = ::getpid();
    rlimit files{};
    const int maxFd = ::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY &&
                              files.rlim_cur < 1'048'576
                          ? static_cast<int>(files.rlim_cur)
                          : 65536;

    UniqueFd outRead, outWrite, reportRead, reportWrite, lifeRead, lifeWrite;
    UniqueFd devNull(aboveStandard(::open("/dev/null", O_RDWR | O_CLOEXEC)));
    if (!makePipe(outRead, outWrite) || !makePipe(reportRead, reportWrite) || !makePipe(lifeRead, lifeWrite) ||
        devNull.get() < 0) {
        fail(errnoText(errno));
        return;
    }

    const pid_t child = ::fork();
    if (child < 0) {
        fail(errnoText(errno));
        return;
    }
    if (child == 0) {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != labPid) // the lab died before prctl took effect
            ::_exit(127);
        resetSignals();
        int report = reportWrite.get();
        if (::dup2(devNull.get(), 0) < 0 || ::dup2(outWrite.get(), 1) < 0 || ::dup2(outWrite.get(), 2) < 0)
            failInChild(report, ChildStage::Exec, errno);
        if (report != 3) {
            if (::dup3(report, 3, O_CLOEXEC) < 0)
                failInChild(report, ChildStage::Exec, errno);
            report = 3;
        }
        closeFrom(4, maxFd);
        if (!workDir.empty() && ::chdir(workDir.c_str()) != 0)
            failInChild(report, ChildStage::Chdir, errno);
        ::execve(path.c_str(), argv.data(), environ);
        failInChild(report, ChildStage::Exec, errno);
    }
    // Both processes set the group, so it exists whichever runs first.
    ::setpgid(child, child);
    outWrite.reset();
    reportWrite.reset();

    // The sentinel, forked at once so the window in which a crash of the lab leaves the group
    // unguarded is a few microseconds.
    const std::string groupText = std::to_string(child);
    std::array<const char*, 6> sentinelArgv{"sh", "-c", kSentinelScript, "lblab-sentinel", groupText.c_str(),
                                            nullptr};
    const pid_t sentinel = ::fork();
    if (sentinel == 0) {
        ::setpgid(0, 0); // away from the terminal's Ctrl-C, which may well be what kills the lab
        resetSignals();
        struct sigaction ignore;
        std::memset(&ignore, 0, sizeof ignore);
        ignore.sa_handler = SIG_IGN;
        for (int sig : {SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU})
            ::sigaction(sig, &ignore, nullptr);
        ::dup2(lifeRead.get(), 0);
        ::dup2(devNull.get(), 1);
        ::dup2(devNull.get(), 2);
        closeFrom(3, maxFd);
        ::execve("/bin/sh", const_cast<char* const*>(sentinelArgv.data()), environ);
        // No shell: do the same here.
        char c = 0;
        ssize_t n;
        while ((n = ::read(0, &c, 1)) < 0 && errno == EINTR) {
        }
        if (n != 1 || c != 'q')
            ::kill(-child, SIGKILL);
        ::_exit(0);
    }
    lifeRead.reset();
    devNull.reset();
    if (sentinel < 0) {
        ::kill(-child, SIGKILL);
        while (::waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
        }
        fail("cannot start its sentinel: " + errnoText(errno));
        return;
    }

    ChildFailure failure;
    std::size_t got = 0;
    while (got < sizeof failure) {
        const ssize_t n = ::read(reportRead.get(), reinterpret_cast<char*>(&failure) + got, sizeof failure - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += static_cast<std::size_t>(n);
    }
    reportRead.reset();
    if (got > 0) {
        ::kill(-child, SIGKILL);
        [[maybe_unused]] const auto n = ::write(lifeWrite.get(), "quit\n", 5);
        lifeWrite.reset();
        reapWithin(sentinel, std::chrono::milliseconds(2000));
        while (::waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
        }
        if (got == sizeof failure && failure.stage == static_cast<int>(ChildStage::Chdir))
            fail("cannot enter " + workDir + ": " + errnoText(failure.error));
        else
            fail(errnoText(got == sizeof failure ? failure.error : EIO));
        return;
    }

    {
        std::lock_guard lock(m_mutex);
        m_pid = child;
        m_started = true;
    }
    launch.result.set_value({});
    superviseRunning(outRead.get(), lifeWrite.get(), sentinel);
    // superviseRunning wrote "quit" to the sentinel; the UniqueFd objects close the rest.
}

void ChildProcess::emitLine(std::string& line)
{
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    if (m_options.onOutput) {
        try {
            m_options.onOutput(line);
        } catch (...) { // the supervisor thread must go on: a throwing callback loses only its line
        }
    }
    line.clear();
}

void ChildProcess::superviseRunning(int outFd, int lifelineFd, pid_t sentinel)
{
    pid_t child;
    {
        std::lock_guard lock(m_mutex);
        child = m_pid;
    }
    UniqueFd pidFd(static_cast<int>(::syscall(SYS_pidfd_open, child, 0U))); // -1 on old kernels: then poll
    std::array<char, 16384> buffer;
    std::string line;
    line.reserve(kMaxLineBytes);
    bool cutting = false; // dropping the rest of an over-long line
    bool outOpen = true;

    auto readOutput = [&]() -> bool { // false at EOF
        ssize_t n;
        while ((n = ::read(outFd, buffer.data(), buffer.size())) < 0 && errno == EINTR) {
        }
        if (n <= 0)
            return n < 0 && errno == EAGAIN;
        for (ssize_t i = 0; i < n; ++i) {
            const char c = buffer[static_cast<std::size_t>(i)];
            if (c == '\n') {
                if (!cutting)
                    emitLine(line);
                cutting = false;
                continue;
            }
            if (cutting)
                continue;
            line.push_back(c);
            if (line.size() == kMaxLineBytes) {
                emitLine(line);
                cutting = true;
            }
        }
        return true;
    };

    for (;;) {
        std::array<pollfd, 2> fds{pollfd{outOpen ? outFd : -1, POLLIN, 0}, pollfd{pidFd.get(), POLLIN, 0}};
        const int ready = ::poll(fds.data(), fds.size(), pidFd.get() >= 0 ? 1000 : 50);
        if (ready < 0 && errno != EINTR)
            break;
        if (outOpen && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
            outOpen = readOutput();
        if (hasExited(child))
            break;
    }

    {
        std::lock_guard lock(m_mutex);
        m_exited = true;
        // The leader is a zombie until reaped, so its group id cannot have been reused.
        ::kill(-child, SIGKILL);
    }
    // The rest of the output: until every writer is gone, or a bound if one escaped the group.
    ::fcntl(outFd, F_SETFL, ::fcntl(outFd, F_GETFL) | O_NONBLOCK);
    const auto drainUntil = std::chrono::steady_clock::now() + std::chrono::milliseconds(1000);
    while (outOpen && std::chrono::steady_clock::now() < drainUntil) {
        pollfd fd{outFd, POLLIN, 0};
        if (::poll(&fd, 1, 50) > 0)
            outOpen = readOutput();
    }
    if (!line.empty() && !cutting)
        emitLine(line);

    [[maybe_unused]] const auto n = ::write(lifelineFd, "quit\n", 5);
    reapWithin(sentinel, std::chrono::milliseconds(2000));

    int status = 0;
    {
        std::lock_guard lock(m_mutex);
        pid_t r;
        while ((r = ::waitpid(child, &status, 0)) < 0 && errno == EINTR) {
        }
        m_status = r == child ? decodeStatus(status) : -1;
        m_reaped = true;
    }
    m_changed.notify_all();
    if (m_options.onExit) {
        try {
            m_options.onExit(m_status);
        } catch (...) {
        }
    }
}

pid_t ChildProcess::pid() const
{
    std::lock_guard lock(m_mutex);
    return m_pid;
}

bool ChildProcess::running() const
{
    std::lock_guard lock(m_mutex);
    return m_started && !m_exited;
}

void ChildProcess::signal(int sig)
{
    std::lock_guard lock(m_mutex);
    if (m_started && !m_reaped)
        ::kill(-m_pid, sig);
}

int ChildProcess::stop(std::chrono::milliseconds grace)
{
    std::unique_lock lock(m_mutex);
    if (!m_started)
        return m_status;
    if (!m_reaped) {
        ::kill(-m_pid, SIGTERM);
        if (!m_changed.wait_for(lock, grace, [this] { return m_reaped; })) {
            if (!m_reaped)
                ::kill(-m_pid, SIGKILL);
            m_changed.wait(lock, [this] { return m_reaped; });
        }
    }
    const int status = m_status;
    lock.unlock();
    if (m_thread.joinable() && m_thread.get_id() != std::this_thread::get_id())
        m_thread.join();
    return status;
}

} // namespace lblab
