#include "core/engines/config_words.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

namespace lblab {

namespace {

bool isWordChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool isConfigTokenChar(char c)
{
    return isWordChar(c) || c == '-' || c == '.';
}

[[noreturn]] void refuse(std::string_view engine, std::string_view what, std::string_view value, std::string_view why)
{
    throw std::invalid_argument(std::string(engine) + " configuration: " + std::string(what) + " \"" +
                                std::string(value) + "\" " + std::string(why));
}

} // namespace

void ConfigWords::requireToken(std::string_view engine, std::string_view what, std::string_view value)
{
    if (value.empty() || !std::all_of(value.begin(), value.end(), isConfigTokenChar))
        refuse(engine, what, value, "must be letters, digits, '.', '_' or '-'");
}

void ConfigWords::requireWord(std::string_view engine, std::string_view what, std::string_view value)
{
    if (value.empty() || !std::all_of(value.begin(), value.end(), isWordChar))
        refuse(engine, what, value, "must be letters, digits or '_' (it becomes part of an NGINX variable name)");
}

void ConfigWords::requireAddress(std::string_view engine, std::string_view what, std::string_view value)
{
    if (value.empty() || !std::all_of(value.begin(), value.end(), [](char c) { return isConfigTokenChar(c) || c == ':'; }))
        refuse(engine, what, value, "is not an address");
}

std::string ConfigWords::duration(double seconds, long long minimumMs)
{
    const double rounded = std::round(seconds * 1000.0);
    const long long ms = std::max(minimumMs, rounded > 2147483647.0 ? 2147483647LL : static_cast<long long>(rounded));
    return ms % 1000 == 0 ? std::to_string(ms / 1000) + "s" : std::to_string(ms) + "ms";
}

std::string ConfigWords::lower(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

std::string ConfigWords::why(DecisionKind kind)
{
    return std::string(toString(kind));
}

bool ConfigWords::usesWeights(std::string_view policy)
{
    return policy == "weighted-round-robin" || policy == "consistent-hash";
}

std::vector<std::string> ConfigWords::regionsOf(std::string_view engine, const EngineSetup& setup)
{
    std::vector<std::string> regions;
    for (const auto& b : setup.backends) {
        if (b.region.empty())
            continue;
        requireToken(engine, "region", b.region);
        std::string r = lower(b.region);
        if (std::find(regions.begin(), regions.end(), r) == regions.end())
            regions.push_back(std::move(r));
    }
    return regions;
}

} // namespace lblab
