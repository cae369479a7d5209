#pragma once

#include <filesystem>
#include <string_view>

namespace lblab {

/// A private folder (mode 0700) under the system's temporary directory, removed with everything in
/// it when the object goes. An outside balancer's configuration, sockets and pid file live there.
class RunDir {
public:
    /// Makes "<tmp>/lblab-<prefix>-XXXXXX" with mkdtemp (mode 0700). Throws std::runtime_error naming
    /// the folder when it cannot be made.
    static RunDir create(std::string_view prefix);

    RunDir(RunDir&& other) noexcept;
    RunDir& operator=(RunDir&& other) noexcept;
    RunDir(const RunDir&) = delete;
    RunDir& operator=(const RunDir&) = delete;
    /// Removes the folder recursively; errors are ignored.
    ~RunDir();

    /// The folder's absolute path (empty after a move).
    const std::filesystem::path& path() const { return m_path; }

private:
    explicit RunDir(std::filesystem::path path) : m_path(std::move(path)) {}
    void remove() noexcept;

    std::filesystem::path m_path;
};

} // namespace lblab
