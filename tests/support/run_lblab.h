#pragma once

// Runs the real lblab binary for CLI tests: arguments as a shell string, stdout and stderr captured,
// bounded by timeout(1).

#include "support/wait_for.h"

#include <array>
#include <chrono>
#include <cstdlib>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace lblab::test {

/// What one lblab run printed and returned.
struct LblabResult {
    int status = -1;   ///< exit status; -1 if it did not exit normally
    std::string out;
    std::string err;
};

/// Runs `LBLAB_BINARY args` (at most 60 s); `tag` names its stderr file in the test output folder.
inline LblabResult runLblab(const std::string& args, const std::string& tag = "cli")
{
    const auto dir = std::filesystem::path(LBLAB_TEST_OUTPUT_DIR);
    std::filesystem::create_directories(dir);
    const auto errFile = dir / (tag + "-stderr-" + std::to_string(::getpid()));
    const std::string command = std::string("timeout 60 ") + LBLAB_BINARY + " " + args + " 2>" + errFile.string();
    LblabResult r;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe)
        return r;
    std::array<char, 4096> buffer{};
    while (auto n = std::fread(buffer.data(), 1, buffer.size(), pipe))
        r.out.append(buffer.data(), n);
    const int raw = ::pclose(pipe);
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    std::ifstream err(errFile);
    r.err.assign(std::istreambuf_iterator<char>(err), {});
    return r;
}

/// Waits (generously) until the child `pid` exits and stores its wait status; if it does not, kills
/// it so that no test leaves a process behind, and returns false.
inline bool waitForExit(pid_t pid, int& status)
{
    if (waitFor([&] { return ::waitpid(pid, &status, WNOHANG) != 0; }))
        return true;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return false;
}

/// A path in the tests' output folder, `name` plus this process's id (parallel runs do not collide).
inline std::filesystem::path outputPath(const std::string& name)
{
    const auto dir = std::filesystem::path(LBLAB_TEST_OUTPUT_DIR);
    std::filesystem::create_directories(dir);
    return dir / (name + "-" + std::to_string(::getpid()));
}

/// The whole text of a file ("" if it cannot be read).
inline std::string fileText(const std::filesystem::path& file)
{
    std::ifstream in(file);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

/// A headless lblab run in the background (`LBLAB_BINARY args`, at most 60 s) that outside clients
/// drive: its banner (the first line) names the balancer's address.
class BackgroundLblab {
public:
    explicit BackgroundLblab(const std::string& args)
        : m_pipe(::popen((std::string("timeout 60 ") + LBLAB_BINARY + " " + args).c_str(), "r"))
    {
        std::array<char, 1024> line{};
        if (m_pipe && std::fgets(line.data(), line.size(), m_pipe))
            m_banner = line.data();
        const auto at = m_banner.find("http://");
        if (at == std::string::npos)
            return;
        const auto hostEnd = m_banner.find(':', at + 7);
        const auto pathAt = m_banner.find('/', hostEnd);
        if (hostEnd == std::string::npos || pathAt == std::string::npos)
            return;
        m_host = m_banner.substr(at + 7, hostEnd - at - 7);
        m_port = std::atoi(m_banner.substr(hostEnd + 1, pathAt - hostEnd - 1).c_str());
        m_url = m_banner.substr(at, pathAt + 1 - at);
    }
    ~BackgroundLblab() { finish(); }
    BackgroundLblab(const BackgroundLblab&) = delete;
    BackgroundLblab& operator=(const BackgroundLblab&) = delete;

    /// The first line it printed ("" if none).
    const std::string& banner() const { return m_banner; }
    /// The balancer's "http://ADDR:PORT/" from the banner ("" if it named none).
    const std::string& url() const { return m_url; }
    /// The balancer's address and port from the banner.
    const std::string& host() const { return m_host; }
    int port() const { return m_port; }

    /// Waits for it to end; returns its exit status (-1 if it did not exit normally), and the rest of
    /// what it printed in `rest`.
    int finish(std::string* rest = nullptr)
    {
        if (!m_pipe)
            return m_status;
        std::array<char, 1024> buffer{};
        std::string text;
        while (auto n = std::fread(buffer.data(), 1, buffer.size(), m_pipe))
            text.append(buffer.data(), n);
        const int raw = ::pclose(m_pipe);
        m_pipe = nullptr;
        m_status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
        if (rest)
            *rest = std::move(text);
        return m_status;
    }

private:
    FILE* m_pipe = nullptr;
    std::string m_banner, m_url, m_host;
    int m_port = 0;
    int m_status = -1;
};

} // namespace lblab::test
