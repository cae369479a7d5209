#include "core/http/message_head.h"

namespace lblab {

namespace {

/// "HTTP/d.d" -> 10 * major + minor; 0 when malformed.
unsigned parseVersion(std::string_view s)
{
    if (s.size() != 8 || s.substr(0, 5) != "HTTP/" || s[6] != '.' || s[5] < '0' || s[5] > '9' || s[7] < '0' ||
        s[7] > '9')
        return 0;
    return static_cast<unsigned>((s[5] - '0') * 10 + (s[7] - '0'));
}

/// 1 to 18 digits (fits in 64 bits with room); false otherwise.
bool parseLength(std::string_view s, std::uint64_t& out)
{
    if (s.empty() || s.size() > 18)
        return false;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    out = v;
    return true;
}

/// The view moved by `delta` bytes; integer arithmetic, as the old buffer may be gone already.
std::string_view shift(std::string_view v, std::uintptr_t delta)
{
    if (!v.data())
        return v;
    return {reinterpret_cast<const char*>(reinterpret_cast<std::uintptr_t>(v.data()) + delta), v.size()};
}

} // namespace

namespace {

/// True when `test` holds for some token of the comma-separated list `list` (tokens trimmed).
template <typename Test>
bool anyToken(std::string_view list, Test test)
{
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        if (test(trimOws(list.substr(0, comma))))
            return true;
        if (comma == std::string_view::npos)
            break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

/// True when the Connection value `list` holds a token other than "close" and "keep-alive".
bool listsFieldNames(std::string_view list)
{
    return anyToken(list, [](std::string_view t) {
        return !t.empty() && !iequals(t, "close") && !iequals(t, "keep-alive");
    });
}

} // namespace

bool isTokenChar(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return true;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
        return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
        return true;
    default:
        return false;
    }
}

bool listHasToken(std::string_view list, std::string_view token)
{
    return anyToken(list, [token](std::string_view t) { return iequals(t, token); });
}

void MessageHead::clear()
{
    method = target = reason = {};
    status = 0;
    version = 11;
    fields.clear();
    contentLengthFields = transferEncodingFields = 0;
    contentLength = 0;
    contentLengthValid = true;
    chunked = connectionClose = connectionKeepAlive = connectionNamesFields = false;
}

bool MessageHead::parseFields(std::string_view lines, bool strict)
{
    std::string_view lastEncoding;
    bool ended = false;
    while (!lines.empty()) {
        const std::size_t end = lines.find("\r\n");
        if (end == std::string_view::npos)
            return false;
        const std::string_view line = lines.substr(0, end);
        lines.remove_prefix(end + 2);
        if (line.empty()) {
            ended = true;
            break;
        }
        if (fields.size() >= kMaxFields)
            return false;
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0)
            return false;
        const std::string_view name = line.substr(0, colon);
        const std::string_view value = trimOws(line.substr(colon + 1));
        if (strict) {
            // Backend answers are not pre-checked: refuse what could split or smuggle a message.
            for (unsigned char c : name)
                if (!isTokenChar(c))
                    return false;
            for (unsigned char c : value)
                if ((c < 0x20 && c != '\t') || c == 0x7f)
                    return false;
        }
        fields.push_back({name, value});
        if (iequals(name, "Content-Length")) {
            std::uint64_t n = 0;
            if (!parseLength(value, n) || (contentLengthFields > 0 && n != contentLength))
                contentLengthValid = false;
            else
                contentLength = n;
            ++contentLengthFields;
        } else if (iequals(name, "Transfer-Encoding")) {
            ++transferEncodingFields;
            lastEncoding = value;
        } else if (iequals(name, "Connection")) {
            connectionClose = connectionClose || listHasToken(value, "close");
            connectionKeepAlive = connectionKeepAlive || listHasToken(value, "keep-alive");
            connectionNamesFields = connectionNamesFields || listsFieldNames(value);
        }
    }
    if (transferEncodingFields > 0) {
        // The final coding decides (RFC 9112 6.3); requests are held to exactly "chunked" elsewhere.
        const std::size_t comma = lastEncoding.rfind(',');
        const std::string_view final = trimOws(comma == std::string_view::npos ? lastEncoding : lastEncoding.substr(comma + 1));
        chunked = iequals(final, "chunked");
    }
    return ended; // a head without its empty line is truncated
}

bool MessageHead::parseRequest(std::string_view block)
{
    clear();
    const std::size_t eol = block.find("\r\n");
    if (eol == std::string_view::npos)
        return false;
    const std::string_view line = block.substr(0, eol);
    const std::size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos || sp1 == 0)
        return false;
    const std::size_t sp2 = line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || sp2 == sp1 + 1)
        return false;
    method = line.substr(0, sp1);
    target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    for (unsigned char c : method)
        if (!isTokenChar(c))
            return false;
    for (unsigned char c : target)
        if (c <= 0x20 || c == 0x7f)
            return false;
    version = parseVersion(line.substr(sp2 + 1));
    if (version == 0)
        return false;
    return parseFields(block.substr(eol + 2), false);
}

bool MessageHead::parseResponse(std::string_view block)
{
    clear();
    const std::size_t eol = block.find("\r\n");
    if (eol == std::string_view::npos)
        return false;
    const std::string_view line = block.substr(0, eol);
    // "HTTP/1.1 200 OK"; the reason phrase may be empty, its separating space too.
    if (line.size() < 12 || line[8] != ' ' || (line.size() > 12 && line[12] != ' '))
        return false;
    version = parseVersion(line.substr(0, 8));
    if (version == 0)
        return false;
    for (int i = 9; i < 12; ++i)
        if (line[i] < '0' || line[i] > '9')
            return false;
    status = static_cast<unsigned>((line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0'));
    if (status < 100)
        return false;
    reason = line.size() > 13 ? line.substr(13) : std::string_view{};
    for (unsigned char c : reason)
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return false;
    return parseFields(block.substr(eol + 2), true);
}

bool MessageHead::namedByConnection(std::string_view name) const
{
    if (!connectionNamesFields)
        return false;
    for (const auto& f : fields)
        if (iequals(f.name, "Connection") && listHasToken(f.value, name))
            return true;
    return false;
}

std::string_view MessageHead::find(std::string_view name) const
{
    for (const auto& f : fields)
        if (iequals(f.name, name))
            return f.value;
    return {};
}

void MessageHead::rebase(const char* oldBase, const char* newBase)
{
    if (oldBase == newBase)
        return;
    const std::uintptr_t delta = reinterpret_cast<std::uintptr_t>(newBase) - reinterpret_cast<std::uintptr_t>(oldBase);
    method = shift(method, delta);
    target = shift(target, delta);
    reason = shift(reason, delta);
    for (auto& f : fields) {
        f.name = shift(f.name, delta);
        f.value = shift(f.value, delta);
    }
}

} // namespace lblab
