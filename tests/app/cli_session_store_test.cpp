// --session-store through the real lblab binary: a real curl with a cookie jar against signed
// sessions, bad names, a missing Redis, and --compare across stores.

#include "core/engines/program_lookup.h"
#include "support/run_lblab.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unistd.h>
#include <sys/wait.h>

namespace {

using lblab::test::outputPath;

lblab::test::LblabResult lblab(const std::string& args) { return lblab::test::runLblab(args, "cli-session-store"); }

/// Runs a shell command and returns what it printed on stdout.
std::string shell(const std::string& command)
{
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe)
        return out;
    std::array<char, 4096> buffer{};
    while (auto n = std::fread(buffer.data(), 1, buffer.size(), pipe))
        out.append(buffer.data(), n);
    ::pclose(pipe);
    return out;
}

/// One curl request with the jar: "<status> <X-Backend> <X-Session>".
std::string curl(const std::string& options, const std::string& url, const std::filesystem::path& jar)
{
    // -D - prints the headers; the format line adds the status at the end.
    const std::string out = shell("curl -s --max-time 10 -o /dev/null -D - -c " + jar.string() + " -b " + jar.string() +
                                  " " + options + " -w 'STATUS %{http_code}\\n' " + url);
    std::istringstream lines(out);
    std::string line, backend, session, status;
    while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.rfind("X-Backend: ", 0) == 0)
            backend = line.substr(11);
        else if (line.rfind("X-Session: ", 0) == 0)
            session = line.substr(11);
        else if (line.rfind("STATUS ", 0) == 0)
            status = line.substr(7);
    }
    return status + " " + backend + " " + session;
}

TEST(CliSessionStoreTest, ACurlJarLoggedInUnderSignedSessionsReachesEveryServerAndOneChangedCharacterIsRefused)
{
    if (!lblab::findProgram("curl"))
        GTEST_SKIP() << "curl is not installed";
    lblab::test::BackgroundLblab run(
        "--headless --preset login-round-robin --session-store client --clients 0 --duration 6 --policy round-robin");
    const std::string url = run.url();
    ASSERT_FALSE(url.empty()) << "lblab named no balancer in its banner: " << run.banner();
    EXPECT_NE(run.banner().find("sessions Signed cookie"), std::string::npos) << run.banner();
    const auto jar = outputPath("session-jar");
    std::filesystem::remove(jar);

    const std::string login = curl("-X POST -d user=alice", url + "login", jar);
    EXPECT_EQ(login.substr(0, 3), "200") << login;
    std::set<std::string> servers;
    for (int i = 0; i < 6; ++i) {
        const std::string account = curl("", url + "account", jar);
        EXPECT_EQ(account.substr(0, 3), "200") << account;
        EXPECT_NE(account.find(" hit"), std::string::npos) << account;
        servers.insert(account.substr(4, account.find(' ', 4) - 4));
    }
    EXPECT_EQ(servers.size(), 3u) << "round robin takes the same cookie to every server";

    // The jar is Netscape format: the value is the last tab-separated field of the SESSIONID line.
    std::ifstream in(jar);
    std::stringstream text;
    text << in.rdbuf();
    std::string content = text.str();
    const auto name = content.find("\tSESSIONID\t");
    ASSERT_NE(name, std::string::npos) << content;
    const auto end = content.find('\n', name);
    const std::size_t at2 = end - 4; // inside the signature
    content[at2] = content[at2] == 'A' ? 'B' : 'A';
    std::ofstream(jar) << content;
    const std::string tampered = curl("", url + "account", jar);
    EXPECT_EQ(tampered.substr(0, 3), "401") << tampered;
    EXPECT_NE(tampered.find(" invalid"), std::string::npos) << tampered;

    std::string rest;
    EXPECT_EQ(run.finish(&rest), 0) << rest;
    EXPECT_NE(rest.find("session store    client"), std::string::npos) << rest;
    EXPECT_NE(rest.find("1 invalid tokens refused"), std::string::npos) << rest;
}

TEST(CliSessionStoreTest, AnUnknownStoreIsOneClearLine)
{
    const auto r = lblab("--headless --session-store memcached");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("unknown session store 'memcached'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("local, shared or client"), std::string::npos) << r.err;
}

TEST(CliSessionStoreTest, AMissingRedisIsOneClearLineAndExitTwo)
{
    // LBLAB_REDIS names the program to run instead of the installed one: here one that does not exist.
    const std::string command = std::string("LBLAB_REDIS=/nonexistent/redis-server timeout 60 ") + LBLAB_BINARY +
                                " --headless --preset login-round-robin --duration 1 --session-store shared 2>&1";
    const std::string out = shell(command + "; echo EXIT=$?");
    EXPECT_NE(out.find("LBLAB_REDIS=/nonexistent/redis-server is not a program"), std::string::npos) << out;
    EXPECT_NE(out.find("EXIT=2"), std::string::npos) << out;
}

TEST(CliSessionStoreTest, CompareAcrossStoresNamesEachSideAndShowsTheStoresCost)
{
    if (!lblab::findProgram("redis-server"))
        GTEST_SKIP() << "redis-server is not installed";
    const auto r = lblab("--headless --preset login-round-robin --duration 1.5 --compare "
                         "local:cookie-affinity,shared:round-robin");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("local:cookie-affinity"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("shared:round-robin"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("store added p99 ms"), std::string::npos) << r.out;
}

TEST(CliSessionStoreTest, CompareRefusesAnUnknownPrefix)
{
    const auto r = lblab("--headless --compare redis:round-robin,cookie-affinity");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("unknown engine or session store 'redis'"), std::string::npos) << r.err;
}

TEST(CliSessionStoreTest, HelpNamesTheOption)
{
    const auto r = lblab("--help");
    EXPECT_NE(r.out.find("--session-store NAME"), std::string::npos);
}

} // namespace
