#pragma once

#include <stdexcept>
#include <string>

namespace lblab {

/// A scenario file that cannot be loaded or saved. what() is one line for the user:
/// "FILE: FIELD.PATH: reason" (or "FILE: line L, column C: reason" for syntax errors).
class ScenarioError : public std::runtime_error {
public:
    /// An error about `fieldPath` (may be empty for the whole file) of `file`.
    ScenarioError(std::string file, std::string fieldPath, std::string reason)
        : std::runtime_error(compose(file, fieldPath, reason)),
          m_file(std::move(file)), m_fieldPath(std::move(fieldPath)), m_reason(std::move(reason))
    {
    }
    /// The file as the user named it (or "presets/NAME.json" for a built-in preset).
    const std::string& file() const { return m_file; }
    /// Where in the document, e.g. "servers[2].weight"; empty when about the whole file.
    const std::string& fieldPath() const { return m_fieldPath; }
    /// Why, e.g. "must be a whole number >= 0, got -1".
    const std::string& reason() const { return m_reason; }

private:
    static std::string compose(const std::string& file, const std::string& path, const std::string& reason)
    {
        return path.empty() ? file + ": " + reason : file + ": " + path + ": " + reason;
    }

    std::string m_file;
    std::string m_fieldPath;
    std::string m_reason;
};

} // namespace lblab
