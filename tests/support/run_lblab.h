#pragma once

// Runs the real lblab binary for CLI tests: arguments as a shell string, stdout and stderr captured,
// bounded by timeout(1).

#include "support/wait_for.h"

#include <array>
#include <chrono>
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

/// The whole text of a file ("" if it cannot be read).
inline std::string fileText(const std::filesystem::path& file)
{
    std::ifstream in(file);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace lblab::test
