#pragma once

// What the HAProxy and NGINX generator tests share: a setup with three backends, the highlighted
// lines of a generated file, and running the real program's checker on it.

#include "core/engines/engine_setup.h"
#include "core/engines/generated_config.h"
#include "core/engines/program_lookup.h"
#include "core/engines/run_dir.h"

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace lblab::test {

/// What a checker printed (stdout and stderr together) and its exit code.
struct CommandResult {
    int exitCode = -1;
    std::string output;
};

inline CommandResult runCommand(const std::string& command)
{
    CommandResult result;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (!pipe)
        return result;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
        result.output.append(buffer, n);
    const int status = ::pclose(pipe);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

/// Three backends as the lab's default scenario has them: weights 1,2,1, regions eu,us,eu.
inline EngineSetup threeBackends(const std::string& policy, const std::filesystem::path& runDir)
{
    EngineSetup s;
    s.policy = policy;
    s.listenPort = 18080;
    s.logPort = 18514;
    s.peersPort = 18515;
    s.runDir = runDir;
    s.backends = {
        {"s1", "eu", 1, "127.0.0.1", 19001},
        {"s2", "us", 2, "127.0.0.1", 19002},
        {"s3", "eu", 1, "127.0.0.1", 19003},
    };
    return s;
}

inline std::vector<std::string> linesOf(const std::string& text)
{
    std::vector<std::string> lines;
    std::stringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

/// The highlighted lines' text, joined by newlines (for failure messages and searches).
inline std::string policyText(const GeneratedConfig& config)
{
    const auto lines = linesOf(config.text);
    std::string out;
    for (int n : config.policyLines)
        if (n >= 1 && n <= static_cast<int>(lines.size()))
            out += lines[static_cast<std::size_t>(n - 1)] + "\n";
    return out;
}

/// The checker program's path, "" when it is not installed.
inline std::string programPath(const std::string& name)
{
    const auto found = findProgram(name);
    return found ? found->string() : std::string();
}

} // namespace lblab::test
