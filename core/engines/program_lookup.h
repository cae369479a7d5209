#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

namespace lblab {

/// Finds an executable the way a shell would, then in /usr/sbin, /sbin and /usr/local/sbin (Debian
/// installs haproxy and nginx in /usr/sbin, which a normal user's PATH lacks). A name with a '/' is
/// taken as a path and only checked. nullopt when nothing executable is found.
std::optional<std::filesystem::path> findProgram(std::string_view name);

} // namespace lblab
