#pragma once

#include "core/engines/generated_config.h"

#include <string>
#include <string_view>
#include <vector>

namespace lblab {

/// Builds a generated configuration line by line, numbering the lines and remembering which ones
/// implement the policy (the Config panel highlights them). Both generators write through it.
class ConfigLines {
public:
    /// Appends `line`; `policy` marks it as one that implements the policy.
    void add(std::string_view line, bool policy = false)
    {
        m_text.append(line);
        m_text.push_back('\n');
        ++m_count;
        if (policy)
            m_policyLines.push_back(m_count);
    }
    /// Appends a line that implements the policy.
    void policy(std::string_view line) { add(line, true); }
    /// Appends an empty line.
    void blank() { add(""); }
    /// The finished file.
    GeneratedConfig finish(std::string fileName)
    {
        return {std::move(m_text), std::move(m_policyLines), std::move(fileName)};
    }

private:
    std::string m_text;
    std::vector<int> m_policyLines;
    int m_count = 0;
};

} // namespace lblab
