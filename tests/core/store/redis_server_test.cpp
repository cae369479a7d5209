// The shared session store's server: a real redis-server the lab starts, reaches on a private
// UNIX socket, kills and restores.

#include "core/base/unique_fd.h"
#include "core/engines/program_lookup.h"
#include "core/store/redis_server.h"
#include "core/store/store_error.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

namespace lblab {
namespace {

#define SKIP_WITHOUT_REDIS()                                                                           \
    if (!findProgram("redis-server"))                                                                  \
    GTEST_SKIP() << "redis-server is not installed (scripts/test.sh installs it)"

/// Sends one inline command and returns the first line of the answer ("" when none came).
std::string ask(const std::filesystem::path& socket, const std::string& command)
{
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un where{};
    where.sun_family = AF_UNIX;
    std::strncpy(where.sun_path, socket.c_str(), sizeof where.sun_path - 1);
    timeval timeout{2, 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&where), sizeof where) != 0)
        return {};
    const std::string line = command + "\r\n";
    if (::send(fd.get(), line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size()))
        return {};
    std::string answer;
    char buffer[256];
    while (answer.find("\r\n") == std::string::npos) {
        const ssize_t n = ::recv(fd.get(), buffer, sizeof buffer, 0);
        if (n <= 0)
            break;
        answer.append(buffer, static_cast<std::size_t>(n));
    }
    return answer.substr(0, answer.find("\r\n"));
}

TEST(RedisServerTest, AnswersOnAPrivateSocketWithNoPortAndNoPersistence)
{
    SKIP_WITHOUT_REDIS();
    RedisServer redis;
    redis.start();
    ASSERT_TRUE(redis.running());
    EXPECT_TRUE(RedisServer::answersPing(redis.socketPath(), std::chrono::seconds(2)));
    struct stat info{};
    ASSERT_EQ(::stat(redis.socketPath().c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u) << "the socket is the lab's alone";
    struct stat folder{};
    ASSERT_EQ(::stat(redis.socketPath().parent_path().c_str(), &folder), 0);
    EXPECT_EQ(folder.st_mode & 0777, 0700u);
    EXPECT_EQ(ask(redis.socketPath(), "CONFIG GET port"), "*2") << "an array: port and its value";
    EXPECT_EQ(ask(redis.socketPath(), "SET lab 1"), "+OK");
    EXPECT_EQ(ask(redis.socketPath(), "GET lab"), "$1");
    const auto folderPath = redis.socketPath().parent_path();
    redis.stop();
    EXPECT_FALSE(redis.running());
    EXPECT_FALSE(std::filesystem::exists(folderPath)) << "the private folder goes with it";
}

TEST(RedisServerTest, AKilledServerLosesEverythingAndARestoredOneStartsEmpty)
{
    SKIP_WITHOUT_REDIS();
    RedisServer redis;
    redis.start();
    ASSERT_EQ(ask(redis.socketPath(), "SET session:alice s1"), "+OK");
    redis.kill();
    EXPECT_FALSE(redis.running());
    EXPECT_FALSE(RedisServer::answersPing(redis.socketPath(), std::chrono::milliseconds(200)));
    redis.restore();
    ASSERT_TRUE(redis.running());
    EXPECT_EQ(ask(redis.socketPath(), "GET session:alice"), "$-1") << "no persistence: the session is gone";
    EXPECT_EQ(ask(redis.socketPath(), "DBSIZE"), ":0");
}

TEST(RedisServerTest, AMissingProgramIsOneLineNamingIt)
{
    ::setenv("LBLAB_REDIS", "/nonexistent/redis-server", 1);
    RedisServer redis;
    try {
        redis.start();
        FAIL() << "started a program that does not exist";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/redis-server"), std::string::npos) << e.what();
        EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "one line";
    }
    ::unsetenv("LBLAB_REDIS");
    EXPECT_FALSE(redis.running());
}

TEST(RedisServerTest, TheConfigurationListensOnNoPortAndSavesNothing)
{
    const std::string text = RedisServer::configFor("/tmp/lblab-redis-test");
    EXPECT_NE(text.find("port 0\n"), std::string::npos);
    EXPECT_NE(text.find("unixsocket /tmp/lblab-redis-test/redis.sock\n"), std::string::npos);
    EXPECT_NE(text.find("unixsocketperm 600\n"), std::string::npos);
    EXPECT_NE(text.find("save \"\"\n"), std::string::npos);
    EXPECT_NE(text.find("appendonly no\n"), std::string::npos);
    EXPECT_NE(text.find("daemonize no\n"), std::string::npos);
}

} // namespace
} // namespace lblab
