#include "core/engines/free_port.h"
#include "core/engines/program_lookup.h"

#include <gtest/gtest.h>

#include <fstream>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace lblab {

TEST(FreePortTest, APortThatIsFreeThenAcceptsOnceListenedOn)
{
    const std::uint16_t port = freeTcpPort();
    ASSERT_NE(port, 0);
    EXPECT_FALSE(portAccepts("127.0.0.1", port, std::chrono::milliseconds(500)));

    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(::listen(fd, 4), 0);
    EXPECT_TRUE(portAccepts("127.0.0.1", port, std::chrono::milliseconds(5000)));
    ::close(fd);
}

TEST(FreePortTest, ABadAddressIsRefused)
{
    EXPECT_THROW(freeTcpPort("not-an-address"), std::runtime_error);
    EXPECT_FALSE(portAccepts("not-an-address", 80, std::chrono::milliseconds(100)));
}

TEST(ProgramLookupTest, FindsOnPathAndInSbin)
{
    const auto sh = findProgram("sh");
    ASSERT_TRUE(sh.has_value());
    EXPECT_EQ(sh->filename(), "sh");
    EXPECT_FALSE(findProgram("lblab-no-such-program-xyz").has_value());
    EXPECT_FALSE(findProgram("").has_value());
    EXPECT_EQ(findProgram("/bin/sh"), std::filesystem::path("/bin/sh"));
    EXPECT_FALSE(findProgram("/no/such/program").has_value());
    const auto plain = std::filesystem::temp_directory_path() / ("lblab-lookup-" + std::to_string(::getpid()));
    { std::ofstream(plain) << "#!/bin/sh\n"; }
    std::filesystem::permissions(plain, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    const bool foundPlain = findProgram(plain.string()).has_value();
    std::filesystem::remove(plain);
    EXPECT_FALSE(foundPlain) << "not executable";

    // /usr/sbin is searched even when PATH lacks it.
    if (!std::filesystem::exists("/usr/sbin/haproxy"))
        GTEST_SKIP() << "no /usr/sbin/haproxy";
    const char* old = std::getenv("PATH");
    const std::string saved = old ? old : "";
    ::setenv("PATH", "/usr/bin:/bin", 1);
    const auto haproxy = findProgram("haproxy");
    ::setenv("PATH", saved.c_str(), 1);
    ASSERT_TRUE(haproxy.has_value());
    EXPECT_EQ(haproxy->parent_path().filename(), "sbin");
}

} // namespace lblab
