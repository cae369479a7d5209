#include "core/engines/engine_log_line.h"

#include "core/engines/engine_setup.h"

#include <array>
#include <charconv>

namespace lblab {

namespace {

constexpr std::size_t kFieldCount = 11;
constexpr std::array<const char*, kFieldCount> kFieldNames{
    "client-ip", "status", "total-ms", "connect-retries", "backend-name", "client-id",
    "x-session", "why",    "key",      "method",          "uri"};

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void assignText(std::string& to, std::string_view field)
{
    if (field == "-")
        to.clear();
    else
        to.assign(field.data(), field.size());
}

template <typename T>
bool parseWhole(std::string_view text, T& value)
{
    if (text.empty())
        return false;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size();
}


} // namespace

EngineLogLine::Result EngineLogLine::parse(std::string_view datagram, EngineLogRecord& out, std::string& error)
{
    static const std::string marker = std::string(kEngineLogMarker) + ' ';
    const auto at = datagram.find(marker);
    if (at == std::string_view::npos)
        return Result::NotARequest;
    std::string_view rest = datagram.substr(at + marker.size());
    while (!rest.empty() && isSpace(rest.back()))
        rest.remove_suffix(1);

    std::array<std::string_view, kFieldCount> fields;
    std::size_t count = 0;
    while (!rest.empty()) {
        while (!rest.empty() && isSpace(rest.front()))
            rest.remove_prefix(1);
        if (rest.empty())
            break;
        std::size_t end = 0;
        while (end < rest.size() && !isSpace(rest[end]))
            ++end;
        if (count == kFieldCount) {
            ++count;
            break;
        }
        fields[count++] = rest.substr(0, end);
        rest.remove_prefix(end);
    }
    auto malformed = [&](std::size_t field, std::string_view why) {
        error.assign(kFieldNames[field]);
        error += ": ";
        error.append(why.data(), why.size());
        error += " \"";
        error.append(fields[field].data(), fields[field].size());
        error += '"';
        return Result::Malformed;
    };
    if (count != kFieldCount) {
        error = "field count: " + std::to_string(kFieldCount) + " fields expected after " + kEngineLogMarker +
                (count > kFieldCount ? ", more found" : ", " + std::to_string(count) + " found");
        return Result::Malformed;
    }

    const auto ip = parseIpv4(fields[0]);
    if (!ip)
        return malformed(0, "not an IPv4 address:");
    out.clientIp = *ip;

    if (fields[1] == "-1") {
        out.status = 0;
    } else if (!parseWhole(fields[1], out.status) || out.status > 999) {
        return malformed(1, "not a status code:");
    }

    const std::string_view total = fields[2];
    if (total == "-") {
        out.totalMs = 0;
    } else if (total.find('.') != std::string_view::npos) { // NGINX $request_time: seconds
        double seconds = 0;
        if (!parseWhole(total, seconds))
            return malformed(2, "not a number of seconds:");
        out.totalMs = seconds < 0 ? 0 : seconds * 1000.0;
    } else { // HAProxy %Ta: milliseconds, -1 when unknown
        long long ms = 0;
        if (!parseWhole(total, ms))
            return malformed(2, "not a number of milliseconds:");
        out.totalMs = ms < 0 ? 0 : static_cast<double>(ms);
    }

    std::string_view retries = fields[3];
    out.redispatched = false;
    out.retries = 0;
    if (retries != "-") {
        if (retries.front() == '+') {
            out.redispatched = true;
            retries.remove_prefix(1);
        }
        int tries = 0;
        if (!parseWhole(retries, tries))
            return malformed(3, "not a retry count:");
        out.retries = tries < 0 ? 0 : tries;
    }

    assignText(out.backendName, fields[4]);
    assignText(out.clientId, fields[5]);
    out.session = parseSessionOutcome(fields[6]);
    out.why = fields[7] == "-" ? std::nullopt : parseDecisionKind(fields[7]);
    assignText(out.key, fields[8]);
    assignText(out.method, fields[9]);
    assignText(out.uri, fields[10]);
    return Result::Request;
}

} // namespace lblab
