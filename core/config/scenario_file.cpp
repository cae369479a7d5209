#include "core/config/scenario_file.h"

#include "core/config/config_reader.h"
#include "core/config/config_writer.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace lblab {

namespace {

using json = nlohmann::json;
/// 1-based line and column of byte offset `byte` (nlohmann counts the byte it stopped at, from 1).
std::pair<std::size_t, std::size_t> lineAndColumn(std::string_view text, std::size_t byte)
{
    const std::size_t end = std::min(byte > 0 ? byte - 1 : 0, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < end; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

/// nlohmann's message without its "[json.exception...] parse error at ...: " prefix.
std::string syntaxReason(const json::parse_error& e)
{
    std::string what = e.what();
    const auto colon = what.find(": ");
    if (colon != std::string::npos)
        what = what.substr(colon + 2);
    return what;
}

/// Rejects a key that appears twice in one object: JSON parsers keep only the last one, so the
/// first would be silently ignored, like a typo. Tracks the field path while parsing.
class DuplicateKeyCheck {
public:
    explicit DuplicateKeyCheck(const std::string& file) : m_file(file) {}

    bool operator()(int, json::parse_event_t event, const json& parsed)
    {
        using E = json::parse_event_t;
        switch (event) {
        case E::object_start:
        case E::array_start:
            countArrayElement();
            m_frames.push_back({event == E::object_start, {}, {}, -1});
            break;
        case E::object_end:
        case E::array_end:
            if (!m_frames.empty())
                m_frames.pop_back();
            break;
        case E::key: {
            auto& frame = m_frames.back();
            frame.key = parsed.get<std::string>();
            if (!frame.keys.insert(frame.key).second)
                throw ScenarioError(m_file, path(), "appears twice in the same object (the first would be ignored)");
            break;
        }
        case E::value: countArrayElement(); break;
        }
        return true;
    }

private:
    struct Frame {
        bool object;
        std::set<std::string> keys;
        std::string key;
        int index;
    };

    void countArrayElement()
    {
        if (!m_frames.empty() && !m_frames.back().object)
            ++m_frames.back().index;
    }

    std::string path() const
    {
        std::string out;
        for (const auto& f : m_frames) {
            if (f.object)
                out += (out.empty() ? "" : ".") + f.key;
            else
                out += "[" + std::to_string(f.index) + "]";
        }
        return out;
    }

    const std::string& m_file;
    std::vector<Frame> m_frames;
};


} // namespace

LabConfig ScenarioFile::parse(std::string_view text, const std::string& fileName, const std::string& defaultName)
{
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        throw ScenarioError(fileName, {}, "the file is empty (a scenario is a JSON object)");
    json doc;
    try {
        doc = json::parse(text.begin(), text.end(), DuplicateKeyCheck(fileName));
    } catch (const json::parse_error& e) {
        const auto [line, column] = lineAndColumn(text, e.byte);
        throw ScenarioError(fileName, {},
                            "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " +
                                syntaxReason(e));
    } catch (const json::exception& e) {
        // Not a syntax error but still unreadable JSON, such as a number too large for a double.
        std::string reason = e.what();
        if (const auto bracket = reason.find("] "); reason.rfind("[json.exception", 0) == 0 && bracket != std::string::npos)
            reason.erase(0, bracket + 2);
        throw ScenarioError(fileName, {}, "not readable JSON: " + reason);
    }
    return ConfigReader::read(doc, fileName, defaultName);
}

LabConfig ScenarioFile::load(const std::filesystem::path& path)
{
    const std::string file = path.string();
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw ScenarioError(file, {}, "is a folder, not a scenario file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ScenarioError(file, {}, "cannot open the file (" + std::string(std::strerror(errno)) + ")");
    std::string text;
    text.resize(maxFileBytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > maxFileBytes)
        throw ScenarioError(file, {}, "is larger than " + std::to_string(maxFileBytes / (1024 * 1024)) + " MiB");
    return parse(text, file, path.stem().string());
}

std::string ScenarioFile::toJson(const LabConfig& config)
{
    return ConfigWriter::toJson(config).dump(2) + "\n";
}

void ScenarioFile::save(const LabConfig& config, const std::filesystem::path& path)
{
    const std::string file = path.string();
    const std::string text = toJson(config);
    auto temp = path;
    temp += ".tmp";
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw ScenarioError(file, {}, "cannot write (" + std::string(std::strerror(errno)) + ")");
        out << text;
        out.flush();
        if (!out)
            throw ScenarioError(file, {}, "cannot write (" + std::string(std::strerror(errno)) + ")");
    }
    std::error_code ec;
    std::filesystem::rename(temp, path, ec);
    if (ec) {
        std::filesystem::remove(temp, ec);
        throw ScenarioError(file, {}, "cannot write: " + ec.message());
    }
}

} // namespace lblab
