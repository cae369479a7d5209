#include "core/record/reason_code.h"

#include <charconv>

namespace lblab::reason_code {
namespace {

// Field order: rule, key, hash, point, modulus, slot, pin age, pinned + 1, failed + 1, more,
// then one "backend_load" pair per candidate. Backends are stored plus one so "none" is 0.
constexpr int kScalarFields = 10;

void hex(std::string& out, std::uint64_t value)
{
    char digits[20];
    const auto end = std::to_chars(digits, digits + sizeof digits, value, 16).ptr;
    out.append(digits, end);
}

/// Reads one hexadecimal number ending at `stop` (or the end); advances `text` past the stop.
bool readHex(std::string_view& text, char stop, std::uint64_t& value)
{
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
    if (ec != std::errc{} || ptr == text.data())
        return false;
    const std::size_t used = static_cast<std::size_t>(ptr - text.data());
    if (used == text.size()) {
        text = {};
        return true;
    }
    if (text[used] != stop)
        return false;
    text.remove_prefix(used + 1);
    return true;
}

} // namespace

void append(std::string& out, const DecisionReason& r)
{
    out += kMark;
    const std::uint64_t scalars[kScalarFields] = {
        static_cast<std::uint64_t>(r.rule),    static_cast<std::uint64_t>(r.key), r.hash, r.point, r.modulus,
        r.slot, r.pinAgeMs, static_cast<std::uint64_t>(static_cast<std::int64_t>(r.pinned) + 1),
        static_cast<std::uint64_t>(static_cast<std::int64_t>(r.failed) + 1), r.more};
    for (int i = 0; i < kScalarFields; ++i) {
        if (i > 0)
            out += '.';
        hex(out, scalars[i]);
    }
    for (int i = 0; i < r.candidates; ++i) {
        out += '.';
        hex(out, r.candidate[i]);
        out += '_';
        hex(out, r.load[i]);
    }
}

std::optional<DecisionReason> parse(std::string_view code)
{
    if (code.empty() || code.front() != kMark)
        return std::nullopt;
    code.remove_prefix(1);
    std::uint64_t v[kScalarFields] = {};
    for (int i = 0; i < kScalarFields; ++i)
        if (code.empty() || !readHex(code, '.', v[i]))
            return std::nullopt;
    if (v[0] > static_cast<std::uint64_t>(ReasonRule::NoBackend) || v[1] > static_cast<std::uint64_t>(ReasonKey::Region))
        return std::nullopt;
    DecisionReason r;
    r.rule = static_cast<ReasonRule>(v[0]);
    r.key = static_cast<ReasonKey>(v[1]);
    r.hash = v[2];
    r.point = static_cast<std::uint32_t>(v[3]);
    r.modulus = static_cast<std::uint32_t>(v[4]);
    r.slot = static_cast<std::uint32_t>(v[5]);
    r.pinAgeMs = static_cast<std::uint32_t>(v[6]);
    r.pinned = static_cast<std::int32_t>(static_cast<std::int64_t>(v[7]) - 1);
    r.failed = static_cast<std::int32_t>(static_cast<std::int64_t>(v[8]) - 1);
    r.more = static_cast<std::uint16_t>(v[9]);
    while (!code.empty()) {
        std::uint64_t backend = 0;
        std::uint64_t load = 0;
        if (r.candidates == DecisionReason::kMaxCandidates || !readHex(code, '_', backend) || code.empty() ||
            !readHex(code, '.', load) || backend > 0xFFFF || load > 0xFFFF)
            return std::nullopt;
        r.candidate[r.candidates] = static_cast<std::uint16_t>(backend);
        r.load[r.candidates] = static_cast<std::uint16_t>(load);
        ++r.candidates;
    }
    return r;
}

} // namespace lblab::reason_code
