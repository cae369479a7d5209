// The command line's engine options, through the real binary: --engine, --print-config, --compare
// with ENGINE:POLICY sides, and the one clear line when an engine cannot run.

#include "core/engines/program_lookup.h"
#include "support/run_lblab.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sys/wait.h>
#include <unistd.h>

namespace lblab {
namespace {

using test::runLblab;

TEST(CliEngineTest, PrintConfigShowsHaproxysOwnDirectivesForThePolicy)
{
    const auto r = runLblab("--print-config --engine haproxy --preset mobile-cookie", "print-haproxy");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("cookie LBLAB_SRV insert indirect nocache"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("server s1 127.0.0.1:8001"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("LBLAB1"), std::string::npos) << "the log line the lab reads back";
}

TEST(CliEngineTest, PrintConfigForNginxMapsIpHashToTheFullAddress)
{
    const auto r = runLblab("--print-config --engine nginx --preset round-robin-basics --policy ip-hash", "print-nginx");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("hash $remote_addr"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("ip_hash;"), std::string::npos) << "NGINX's ip_hash keys on three octets only";
}

TEST(CliEngineTest, PrintConfigForTheBuiltinEngineSaysThereIsNone)
{
    const auto r = runLblab("--print-config --preset login-round-robin", "print-builtin");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("no configuration file"), std::string::npos) << r.out;
}

TEST(CliEngineTest, AnUnknownEngineOrAPolicyTheEngineLacksIsBadInput)
{
    const auto unknown = runLblab("--headless --engine traefik", "engine-unknown");
    EXPECT_EQ(unknown.status, 2);
    EXPECT_NE(unknown.err.find("unknown engine 'traefik'"), std::string::npos) << unknown.err;

    const auto lacking = runLblab("--headless --engine nginx --policy cookie-affinity", "engine-lacks");
    EXPECT_EQ(lacking.status, 2);
    EXPECT_NE(lacking.err.find("NGINX cannot run policy 'cookie-affinity'"), std::string::npos) << lacking.err;
    EXPECT_NE(lacking.err.find("sticky"), std::string::npos) << lacking.err;
}

TEST(CliEngineTest, AMissingProgramGivesOneLineNamingTheEngineAndExitsTwo)
{
    ::setenv("LBLAB_HAPROXY", "/nonexistent/haproxy", 1);
    const auto r = runLblab("--headless --engine haproxy --preset round-robin-basics --duration 1", "engine-missing");
    ::unsetenv("LBLAB_HAPROXY");
    EXPECT_EQ(r.status, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("HAProxy"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("/nonexistent/haproxy"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line:\n" << r.err;
}

TEST(CliEngineTest, AHeadlessHaproxyRunReportsItsEngineAndItsRequests)
{
    if (!findProgram("haproxy"))
        GTEST_SKIP() << "haproxy is not installed (scripts/test.sh installs it)";
    const auto r = runLblab("--headless --engine haproxy --preset round-robin-basics --duration 2 --json", "engine-run");
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["engine"], "haproxy");
    EXPECT_GT(j["requests"].get<int>(), 100);
    EXPECT_EQ(j["errors"].get<int>(), 0);
}

TEST(CliEngineTest, CompareTakesEngineAndPolicySides)
{
    if (!findProgram("haproxy"))
        GTEST_SKIP() << "haproxy is not installed (scripts/test.sh installs it)";
    const auto r = runLblab("--headless --preset login-round-robin --duration 2 "
                            "--compare builtin:round-robin,haproxy:round-robin",
                            "engine-compare");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("builtin:round-robin"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("haproxy:round-robin"), std::string::npos) << r.out;

    const auto bad = runLblab("--headless --compare haproxy:round-robin,haproxy:round-robin", "engine-compare-same");
    EXPECT_EQ(bad.status, 2);
}

/// The processes whose parent is `parent` (from /proc), and theirs, recursively.
std::set<pid_t> descendantsOf(pid_t parent)
{
    std::set<pid_t> found{parent};
    bool grew = true;
    while (grew) {
        grew = false;
        for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
            const std::string name = entry.path().filename().string();
            if (name.find_first_not_of("0123456789") != std::string::npos)
                continue;
            std::ifstream stat(entry.path() / "stat");
            std::string text;
            std::getline(stat, text);
            const auto close = text.rfind(')');
            if (close == std::string::npos)
                continue;
            char state = 0;
            int ppid = 0;
            if (std::sscanf(text.c_str() + close + 1, " %c %d", &state, &ppid) != 2 || state == 'Z')
                continue;
            const pid_t pid = std::stoi(name);
            if (found.count(ppid) && !found.count(pid)) {
                found.insert(pid);
                grew = true;
            }
        }
    }
    found.erase(parent);
    return found;
}

bool alive(pid_t pid)
{
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    std::getline(stat, text);
    const auto close = text.rfind(')');
    return close != std::string::npos && text.size() > close + 2 && text[close + 2] != 'Z';
}

TEST(CliEngineTest, NoEngineProcessOutlivesALabKilledWithSigkill)
{
    if (!findProgram("nginx"))
        GTEST_SKIP() << "nginx is not installed (scripts/test.sh installs it)";
    // NGINX: a master and its worker, the worker being the one that would be orphaned.
    const pid_t lab = ::fork();
    ASSERT_GE(lab, 0);
    if (lab == 0) {
        std::freopen("/dev/null", "w", stdout);
        ::execl(LBLAB_BINARY, LBLAB_BINARY, "--headless", "--engine", "nginx", "--duration", "60", "--clients", "5",
                nullptr);
        ::_exit(127);
    }
    std::set<pid_t> engine;
    const bool started = test::waitFor([&] {
        engine = descendantsOf(lab);
        std::size_t nginx = 0;
        for (pid_t p : engine) {
            std::ifstream comm("/proc/" + std::to_string(p) + "/comm");
            std::string name;
            std::getline(comm, name);
            nginx += name == "nginx";
        }
        return nginx >= 2; // master and worker
    });
    ::kill(lab, SIGKILL);
    int status = 0;
    test::waitForExit(lab, status);
    ASSERT_TRUE(started) << "NGINX never ran under the lab";
    EXPECT_TRUE(test::waitFor([&] {
        for (pid_t p : engine)
            if (alive(p))
                return false;
        return true;
    })) << "an engine process outlived the SIGKILLed lab";
    for (pid_t p : engine)
        if (alive(p))
            ::kill(p, SIGKILL); // leave nothing behind even when the test fails
}

TEST(CliEngineTest, NoRedisOutlivesALabKilledWithSigkill)
{
    if (!findProgram("redis-server"))
        GTEST_SKIP() << "redis-server is not installed (scripts/test.sh installs it)";
    // The shared session store is a child like an engine: it must die with the lab too.
    const pid_t lab = ::fork();
    ASSERT_GE(lab, 0);
    if (lab == 0) {
        std::freopen("/dev/null", "w", stdout);
        ::execl(LBLAB_BINARY, LBLAB_BINARY, "--headless", "--session-store", "shared", "--duration", "60", "--clients",
                "5", nullptr);
        ::_exit(127);
    }
    std::set<pid_t> children;
    const bool started = test::waitFor([&] {
        children = descendantsOf(lab);
        for (pid_t p : children) {
            std::ifstream comm("/proc/" + std::to_string(p) + "/comm");
            std::string name;
            std::getline(comm, name);
            if (name == "redis-server")
                return true;
        }
        return false;
    });
    ::kill(lab, SIGKILL);
    int status = 0;
    test::waitForExit(lab, status);
    ASSERT_TRUE(started) << "Redis never ran under the lab";
    EXPECT_TRUE(test::waitFor([&] {
        for (pid_t p : children)
            if (alive(p))
                return false;
        return true;
    })) << "redis-server outlived the SIGKILLed lab";
    for (pid_t p : children)
        if (alive(p))
            ::kill(p, SIGKILL);
}

} // namespace
} // namespace lblab
