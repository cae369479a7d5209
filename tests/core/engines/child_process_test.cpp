#include "core/engines/child_process.h"

#include "tests/support/wait_for.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <mutex>
#include <sstream>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace lblab {

namespace {

using namespace std::chrono_literals;

/// Collects what a child prints and how it ends.
struct Recorder {
    std::mutex mutex;
    std::vector<std::string> lines;
    std::atomic<int> exits{0};
    std::atomic<int> status{-100};

    ChildProcess::Options options(std::vector<std::string> argv)
    {
        ChildProcess::Options o;
        o.argv = std::move(argv);
        o.onOutput = [this](const std::string& line) {
            std::lock_guard lock(mutex);
            lines.push_back(line);
        };
        o.onExit = [this](int s) {
            status = s;
            ++exits;
        };
        return o;
    }
    std::vector<std::string> snapshot()
    {
        std::lock_guard lock(mutex);
        return lines;
    }
};

bool alive(pid_t pid)
{
    return ::kill(pid, 0) == 0 || errno == EPERM;
}

/// Alive and not a zombie (a zombie answers kill(pid, 0) until its parent reaps it).
bool runningProcess(pid_t pid)
{
    if (!alive(pid))
        return false;
    FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
    if (!f)
        return false;
    char buffer[512] = {};
    const size_t n = std::fread(buffer, 1, sizeof buffer - 1, f);
    std::fclose(f);
    const std::string stat(buffer, n);
    const auto paren = stat.rfind(')');
    return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
}

} // namespace

TEST(ChildProcessTest, LinesReachOnOutputAndTheExitStatusOnExit)
{
    Recorder r;
    ChildProcess child(r.options({"sh", "-c", "echo one; echo two >&2; printf 'three'; exit 3"}));
    child.start();
    EXPECT_GT(child.pid(), 0);
    ASSERT_EVENTUALLY(r.exits == 1);
    EXPECT_EQ(r.status, 3);
    EXPECT_FALSE(child.running());
    const auto lines = r.snapshot();
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0], "one");
    EXPECT_EQ(lines[1], "two");
    EXPECT_EQ(lines[2], "three");
    EXPECT_EQ(child.stop(100ms), 3);
    EXPECT_EQ(child.stop(100ms), 3); // idempotent
    EXPECT_EQ(r.exits, 1);
}

TEST(ChildProcessTest, RunsInTheWorkDirWithStdinFromDevNullAndNoInheritedDescriptors)
{
    // A descriptor of the lab without CLOEXEC: the child must not see it.
    const int leaked = ::open("/dev/null", O_RDONLY);
    ASSERT_GE(leaked, 0);
    Recorder r;
    auto options = r.options({"sh", "-c", "pwd; cat; ls /proc/self/fd | sort -n | tr '\\n' ' '"});
    options.workDir = "/tmp";
    ChildProcess child(std::move(options));
    child.start();
    ASSERT_EVENTUALLY(r.exits == 1);
    ::close(leaked);
    EXPECT_EQ(r.status, 0);
    const auto lines = r.snapshot();
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], "/tmp");
    // 0, 1, 2, and the descriptor ls opens to read /proc/self/fd.
    std::istringstream fds(lines[1]);
    int fd = 0, count = 0;
    while (fds >> fd) {
        ++count;
        EXPECT_TRUE(fd <= 3) << "inherited descriptor " << fd << " in: " << lines[1];
    }
    EXPECT_EQ(count, 4) << lines[1];
}

TEST(ChildProcessTest, LongLinesAreCut)
{
    Recorder r;
    ChildProcess child(r.options({"sh", "-c", "head -c 10000 /dev/zero | tr '\\0' x; echo; echo after"}));
    child.start();
    ASSERT_EVENTUALLY(r.exits == 1);
    const auto lines = r.snapshot();
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], std::string(ChildProcess::kMaxLineBytes, 'x'));
    EXPECT_EQ(lines[1], "after");
}

TEST(ChildProcessTest, AMissingProgramThrowsNamingIt)
{
    for (const std::string program : {"/usr/sbin/lblab-no-such-program", "lblab-no-such-program"}) {
        Recorder r;
        ChildProcess child(r.options({program, "-v"}));
        try {
            child.start();
            FAIL() << "expected an exception for " << program;
        } catch (const std::runtime_error& e) {
            EXPECT_EQ(std::string(e.what()), "cannot start " + program + ": No such file or directory");
        }
        EXPECT_FALSE(child.running());
        EXPECT_EQ(child.stop(100ms), -1);
        EXPECT_EQ(r.exits, 0);
    }
}

TEST(ChildProcessTest, AnExecFailureIsReportedThroughThePipe)
{
    // Exists but cannot be executed: only execve itself can tell.
    Recorder r;
    auto options = r.options({"/etc/passwd"});
    ChildProcess child(std::move(options));
    try {
        child.start();
        FAIL() << "expected an exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("cannot start /etc/passwd: "), std::string::npos) << e.what();
    }
    Recorder r2;
    auto badDir = r2.options({"sh", "-c", "true"});
    badDir.workDir = "/no/such/folder";
    ChildProcess child2(std::move(badDir));
    try {
        child2.start();
        FAIL() << "expected an exception";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()), "cannot start sh: cannot enter /no/such/folder: No such file or directory");
    }
}

TEST(ChildProcessTest, StopEndsTheWholeGroupIncludingAGrandchildThatIgnoresSigterm)
{
    Recorder r;
    // The grandchild ignores SIGTERM, so only the SIGKILL after the grace ends it.
    ChildProcess child(r.options({"sh", "-c", "sh -c 'trap \"\" TERM; sleep 30' & echo $!; wait"}));
    child.start();
    ASSERT_EVENTUALLY(!r.snapshot().empty());
    const pid_t grandchild = std::stoi(r.snapshot().front());
    const pid_t leader = child.pid();
    EXPECT_EQ(::getpgid(grandchild), leader);
    ASSERT_TRUE(child.running());
    const int status = child.stop(200ms);
    EXPECT_EQ(status, 128 + SIGTERM); // the leader took SIGTERM; its group was killed afterwards
    EXPECT_FALSE(child.running());
    EXPECT_EQ(r.exits, 1);
    EXPECT_EVENTUALLY(!runningProcess(grandchild));
    EXPECT_FALSE(alive(leader));
}

TEST(ChildProcessTest, SignalReachesTheGroupAndTheDestructorStops)
{
    Recorder r;
    pid_t leader = -1;
    {
        ChildProcess child(
            r.options({"sh", "-c", "trap 'echo got-usr1' USR1; echo ready; while :; do sleep 0.05; done"}));
        child.start();
        leader = child.pid();
        ASSERT_EVENTUALLY(!r.snapshot().empty()); // the trap is set
        child.signal(SIGUSR1);
        // (The shell also reports its `sleep` killed by the same signal.)
        ASSERT_EVENTUALLY(std::ranges::count(r.snapshot(), std::string("got-usr1")) == 1);
    }
    EXPECT_EQ(r.exits, 1);
    EXPECT_FALSE(alive(leader));
}

TEST(ChildProcessTest, StartTwiceIsALogicError)
{
    Recorder r;
    ChildProcess child(r.options({"sh", "-c", "sleep 30"}));
    child.start();
    EXPECT_THROW(child.start(), std::logic_error);
    EXPECT_EQ(child.stop(5000ms), 128 + SIGTERM);
}

// The lab is SIGKILLed: its child and the child's own children must go too (NGINX's workers survive
// their master's death). A helper process plays the lab.
TEST(ChildProcessTest, NothingOutlivesAKilledLab)
{
    int report[2];
    ASSERT_EQ(::pipe2(report, O_CLOEXEC), 0);
    const pid_t lab = ::fork();
    ASSERT_GE(lab, 0);
    if (lab == 0) {
        // The helper: a ChildProcess whose child starts a background grandchild, reports both
        // pids, then waits to be killed.
        ::close(report[0]);
        try {
            ChildProcess::Options options;
            options.argv = {"sh", "-c", "sleep 60 & echo $$ $!; wait"};
            const int out = report[1];
            options.onOutput = [out](const std::string& line) {
                const std::string text = line + "\n";
                [[maybe_unused]] const auto n = ::write(out, text.data(), text.size());
            };
            auto* child = new ChildProcess(std::move(options)); // never destroyed: the helper is killed
            child->start();
        } catch (...) {
            ::_exit(2);
        }
        for (;;)
            ::pause();
    }
    ::close(report[1]);
    // Read "<child> <grandchild>" from the helper.
    std::string text;
    const auto until = std::chrono::steady_clock::now() + test::kPatience;
    while (text.find('\n') == std::string::npos && std::chrono::steady_clock::now() < until) {
        pollfd p{report[0], POLLIN, 0};
        if (::poll(&p, 1, 100) > 0) {
            char buffer[256];
            const ssize_t n = ::read(report[0], buffer, sizeof buffer);
            if (n <= 0)
                break;
            text.append(buffer, static_cast<std::size_t>(n));
        }
    }
    ::close(report[0]);
    std::istringstream in(text);
    pid_t child = -1, grandchild = -1;
    in >> child >> grandchild;
    ASSERT_GT(child, 0) << text;
    ASSERT_GT(grandchild, 0) << text;
    EXPECT_TRUE(runningProcess(child));
    EXPECT_TRUE(runningProcess(grandchild));

    ASSERT_EQ(::kill(lab, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(lab, &status, 0), lab);
    // Neither is our child: once dead, init (or a subreaper) reaps them; a zombie counts as gone.
    EXPECT_EVENTUALLY(!runningProcess(child));
    EXPECT_EVENTUALLY(!runningProcess(grandchild));
}

} // namespace lblab
