#include "core/engines/run_dir.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <stdlib.h>
#include <sys/stat.h>

namespace lblab {

RunDir RunDir::create(std::string_view prefix)
{
    std::error_code ec;
    std::filesystem::path base = std::filesystem::temp_directory_path(ec);
    if (ec)
        base = "/tmp";
    std::string pattern = (base / ("lblab-" + std::string(prefix) + "-XXXXXX")).string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (::mkdtemp(buffer.data()) == nullptr) {
        const int error = errno;
        throw std::runtime_error("cannot create the run folder " + pattern + ": " + std::strerror(error));
    }
    std::filesystem::path made(buffer.data());
    if (::chmod(made.c_str(), 0700) != 0) { // mkdtemp makes 0700 already; be explicit about it
        const int error = errno;
        std::filesystem::remove_all(made, ec);
        throw std::runtime_error("cannot set the mode of the run folder " + made.string() + ": " +
                                 std::strerror(error));
    }
    return RunDir(std::move(made));
}

RunDir::RunDir(RunDir&& other) noexcept : m_path(std::move(other.m_path))
{
    other.m_path.clear();
}

RunDir& RunDir::operator=(RunDir&& other) noexcept
{
    if (this != &other) {
        remove();
        m_path = std::move(other.m_path);
        other.m_path.clear();
    }
    return *this;
}

RunDir::~RunDir()
{
    remove();
}

void RunDir::remove() noexcept
{
    if (m_path.empty())
        return;
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
    m_path.clear();
}

} // namespace lblab
