#include "core/engines/program_lookup.h"

#include <cstdlib>
#include <string>
#include <system_error>

#include <unistd.h>

namespace lblab {

namespace {

bool isExecutableFile(const std::filesystem::path& path)
{
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

} // namespace

std::optional<std::filesystem::path> findProgram(std::string_view name)
{
    if (name.empty())
        return std::nullopt;
    if (name.find('/') != std::string_view::npos) {
        std::filesystem::path path{std::string(name)};
        if (isExecutableFile(path))
            return path;
        return std::nullopt;
    }
    std::string dirs;
    if (const char* env = std::getenv("PATH"))
        dirs = env;
    dirs += ":/usr/sbin:/sbin:/usr/local/sbin";
    std::string_view rest = dirs;
    for (;;) {
        const auto colon = rest.find(':');
        std::string_view dir = rest.substr(0, colon);
        if (!dir.empty()) { // an empty PATH entry would mean the current folder: not trusted here
            std::filesystem::path candidate = std::filesystem::path(std::string(dir)) / std::string(name);
            if (isExecutableFile(candidate))
                return candidate;
        }
        if (colon == std::string_view::npos)
            break;
        rest.remove_prefix(colon + 1);
    }
    return std::nullopt;
}

} // namespace lblab
