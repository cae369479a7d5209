#pragma once

#include <string>
#include <vector>

namespace lblab {

/// A configuration file as a generator wrote it, with the lines a UI highlights.
struct GeneratedConfig {
    std::string text;             ///< the whole file, '\n'-terminated lines
    std::vector<int> policyLines; ///< 1-based numbers of the lines that implement the policy, ascending
    std::string fileName;         ///< "haproxy.cfg" or "nginx.conf"
};

} // namespace lblab
