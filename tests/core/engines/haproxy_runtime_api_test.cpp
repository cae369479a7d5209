// HaproxyRuntimeApi and the answers' parsers against a real HAProxy (/usr/sbin/haproxy), run by
// ChildProcess from a RunDir. Skipped where HAProxy is not installed.

#include "core/engines/child_process.h"
#include "core/engines/free_port.h"
#include "core/engines/haproxy_answers.h"
#include "core/engines/haproxy_runtime_api.h"
#include "core/engines/run_dir.h"

#include "tests/support/outside_servers.h"
#include "tests/support/test_http_client.h"
#include "tests/support/wait_for.h"

#include <gtest/gtest.h>

#include <fstream>
#include <mutex>

#include <sys/stat.h>

namespace lblab {

namespace {

using namespace std::chrono_literals;

constexpr const char* kHaproxy = "/usr/sbin/haproxy";

class HaproxyRuntimeApiTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        if (!std::filesystem::exists(kHaproxy))
            GTEST_SKIP() << "no " << kHaproxy;
        m_frontendPort = freeTcpPort();
        const std::uint16_t unreachable = freeTcpPort(); // nothing listens there
        std::ofstream(config()) << "global\n"
                                << "    stats socket " << statsSocket().string() << " mode 600 level admin\n"
                                << "    pidfile " << (m_dir.path() / "engine.pid").string() << "\n"
                                << "defaults\n"
                                << "    mode http\n"
                                << "    timeout connect 1s\n"
                                << "    timeout client 5s\n"
                                << "    timeout server 5s\n"
                                << "frontend fe_lab\n"
                                << "    bind 127.0.0.1:" << m_frontendPort << "\n"
                                << "    default_backend be_lab\n"
                                << "backend be_lab\n"
                                << "    balance first\n" // s1 while it takes requests: deterministic
                                << "    stick-table type ip size 1000 expire 5m\n"
                                << "    stick on src\n"
                                << "    server s1 " << m_servers.address(0) << "\n"
                                << "    server s2 127.0.0.1:" << unreachable << "\n";
        ChildProcess::Options options;
        options.argv = {kHaproxy, "-W", "-S", masterSocket().string(), "-f", config().string()};
        options.workDir = m_dir.path();
        options.onOutput = [this](const std::string& line) {
            std::lock_guard lock(m_mutex);
            m_output.push_back(line);
        };
        m_haproxy = std::make_unique<ChildProcess>(std::move(options));
        m_haproxy->start();
        ASSERT_TRUE(test::waitFor([this] { return answers("show info"); })) << output();
        ASSERT_TRUE(portAccepts("127.0.0.1", m_frontendPort, 5000ms)) << output();
    }

    void TearDown() override
    {
        if (m_haproxy)
            m_haproxy->stop(5000ms);
    }

    std::filesystem::path config() const { return m_dir.path() / "haproxy.cfg"; }
    std::filesystem::path statsSocket() const { return m_dir.path() / "stats.sock"; }
    std::filesystem::path masterSocket() const { return m_dir.path() / "master.sock"; }

    bool answers(const std::string& command) const
    {
        try {
            return !HaproxyRuntimeApi(statsSocket()).command(command).empty();
        } catch (const std::runtime_error&) {
            return false;
        }
    }
    /// A master CLI command, retried while the master does not listen (starting, re-executing).
    std::string masterCommand(const std::string& command) const
    {
        std::string answer;
        EXPECT_TRUE(test::waitFor([&] {
            try {
                answer = HaproxyRuntimeApi(masterSocket()).command(command);
                return true;
            } catch (const std::runtime_error&) {
                return false;
            }
        })) << output();
        return answer;
    }
    std::vector<HaproxyServerStat> stats() const
    {
        return parseShowStat(HaproxyRuntimeApi(statsSocket()).command("show stat"));
    }
    std::optional<HaproxyServerStat> stat(const std::string& server) const
    {
        for (const auto& row : stats())
            if (row.server == server)
                return row;
        return std::nullopt;
    }
    std::string output() const
    {
        std::lock_guard lock(m_mutex);
        std::string text;
        for (const auto& line : m_output)
            text += line + "\n";
        return text;
    }
    std::size_t outputCount(const std::string& needle) const
    {
        std::lock_guard lock(m_mutex);
        std::size_t n = 0;
        for (const auto& line : m_output)
            n += line.find(needle) != std::string::npos;
        return n;
    }

    test::OutsideServers m_servers{1};
    RunDir m_dir = RunDir::create("haproxytest");
    std::uint16_t m_frontendPort = 0;
    mutable std::mutex m_mutex;
    std::vector<std::string> m_output;
    std::unique_ptr<ChildProcess> m_haproxy;
};

} // namespace

TEST_F(HaproxyRuntimeApiTest, ShowStatListsTheTwoServers)
{
    struct stat info{};
    ASSERT_EQ(::stat(statsSocket().c_str(), &info), 0);
    EXPECT_TRUE(S_ISSOCK(info.st_mode));
    EXPECT_EQ(info.st_mode & 0777, 0600u);

    const auto rows = stats();
    ASSERT_EQ(rows.size(), 2u) << HaproxyRuntimeApi(statsSocket()).command("show stat");
    EXPECT_EQ(rows[0].proxy, "be_lab");
    EXPECT_EQ(rows[0].server, "s1");
    EXPECT_EQ(rows[1].server, "s2");
    EXPECT_EQ(rows[0].weight, 1);
    EXPECT_EQ(rows[0].status, "no check");
}

TEST_F(HaproxyRuntimeApiTest, SetServerStateAndWeight)
{
    HaproxyRuntimeApi api(statsSocket());
    EXPECT_EQ(api.command("set server be_lab/s1 state maint"), "\n");
    EXPECT_EQ(stat("s1")->status, "MAINT");
    api.command("set server be_lab/s1 state ready");
    EXPECT_NE(stat("s1")->status, "MAINT");
    api.command("set server be_lab/s1 weight 5");
    EXPECT_EQ(stat("s1")->weight, 5);
    EXPECT_EQ(stat("s2")->weight, 1);
    // An unknown server is HAProxy's answer, not an exception.
    EXPECT_NE(api.command("set server be_lab/s9 weight 5").find("No such server"), std::string::npos);
}

TEST_F(HaproxyRuntimeApiTest, ARequestLeavesAStickTableRow)
{
    EXPECT_TRUE(parseShowTable(HaproxyRuntimeApi(statsSocket()).command("show table be_lab")).empty());
    test::TestHttpClient client({boost::asio::ip::make_address("127.0.0.1"), m_frontendPort});
    const auto answer = client.get("/");
    ASSERT_TRUE(answer.has_value()) << output();
    EXPECT_EQ(answer->backend, "outside1");
    const std::string text = HaproxyRuntimeApi(statsSocket()).command("show table be_lab");
    const auto rows = parseShowTable(text);
    ASSERT_EQ(rows.size(), 1u) << text;
    EXPECT_EQ(rows[0].key, "127.0.0.1");
    EXPECT_EQ(rows[0].serverId, 1) << text;
    EXPECT_EQ(rows[0].serverKey, "s1") << text;
    EXPECT_GT(rows[0].expireMs, 0);
    EXPECT_LE(rows[0].expireMs, 300'000);
    EXPECT_EQ(stat("s1")->total, 1);
}

TEST_F(HaproxyRuntimeApiTest, ReloadThroughTheMasterSocket)
{
    // The master CLI answers a command once the client half-closes (it waits for more otherwise).
    // It listens a little after the worker's stats socket does.
    const std::string before = masterCommand("show proc");
    EXPECT_NE(before.find("master          0 [failed: 0]"), std::string::npos) << before;
    ASSERT_EQ(outputCount("Loading success"), 1u) << output();
    reloadThroughMaster(masterSocket());
    EXPECT_EVENTUALLY(outputCount("Loading success") == 2);
    // The new worker answers on the stats socket.
    EXPECT_TRUE(test::waitFor([this] { return answers("show info"); })) << output();
    EXPECT_EQ(stats().size(), 2u);
    EXPECT_TRUE(m_haproxy->running());
    // The re-executed master answers its CLI again once loaded: "show proc" counts the reload.
    const std::string processes = masterCommand("show proc");
    EXPECT_NE(processes.find("master          1 [failed: 0]"), std::string::npos) << processes;
    EXPECT_NE(processes.find("worker"), std::string::npos) << processes;
}

TEST_F(HaproxyRuntimeApiTest, ErrorsNameTheSocket)
{
    const auto missing = m_dir.path() / "missing.sock";
    try {
        HaproxyRuntimeApi(missing, 500ms).command("show info");
        FAIL() << "expected an exception";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "HAProxy runtime API: " + missing.string() + ": connect: No such file or directory");
    }
    // A listener that never answers: the timeout ends the command.
    const auto silent = m_dir.path() / "silent.sock";
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, silent.c_str());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(::listen(fd, 1), 0);
    try {
        HaproxyRuntimeApi(silent, 200ms).command("show info");
        FAIL() << "expected an exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("within 200 ms"), std::string::npos) << e.what();
    }
    ::close(fd);
}

} // namespace lblab
