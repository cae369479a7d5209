#include "core/http/request_validator.h"

#include "core/http/message_head.h"

#include <boost/beast/http/field.hpp>

#include <algorithm>

namespace lblab {

namespace {

namespace http = boost::beast::http;

constexpr std::string_view kEnd = "\r\n\r\n";

RequestVerdict reject(unsigned status, std::string reason) { return {status, std::move(reason)}; }

/// Control bytes that may not appear in a field value or request line (HTAB is allowed).
bool isForbiddenControl(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

bool allDigits(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

std::size_t RequestValidator::leadingEmptyLines(std::string_view bytes)
{
    std::size_t n = 0;
    while (bytes.substr(n, 2) == "\r\n")
        n += 2;
    return n;
}

HeaderScan RequestValidator::scan(std::string_view bytes, std::size_t scanned)
{
    HeaderScan out;
    const std::size_t from = scanned > 3 ? scanned - 3 : 0;
    const std::size_t end = bytes.find(kEnd, std::min(from, bytes.size()));
    if (end != std::string_view::npos) {
        out.size = end + kEnd.size();
        out.verdict = checkRaw(bytes.substr(0, out.size));
        out.state = out.verdict.ok() ? HeaderScan::State::Complete : HeaderScan::State::Rejected;
        return out;
    }
    // Incomplete: refuse as soon as a limit is certainly exceeded, so the buffer stays bounded.
    const std::string_view head = bytes.substr(0, kMaxRequestLine + 2);
    const std::size_t lineEnd = head.find("\r\n");
    if (lineEnd == std::string_view::npos) {
        if (bytes.size() > kMaxRequestLine + 1) {
            out.state = HeaderScan::State::Rejected;
            out.verdict = reject(414, "request line longer than 8 KiB");
        }
        return out;
    }
    if (lineEnd > kMaxRequestLine) {
        out.state = HeaderScan::State::Rejected;
        out.verdict = reject(414, "request line longer than 8 KiB");
    } else if (bytes.size() - lineEnd - 2 > kMaxFieldBytes + 2) {
        out.state = HeaderScan::State::Rejected;
        out.verdict = reject(431, "header block larger than 16 KiB");
    }
    return out;
}

RequestVerdict RequestValidator::checkRaw(std::string_view block)
{
    // Every line ends in CRLF; a lone CR or LF is how requests get smuggled past other parsers.
    std::size_t pos = 0;
    std::size_t line = 0;
    std::size_t fields = 0;
    std::size_t fieldBytes = 0;
    while (pos < block.size()) {
        const std::size_t lf = block.find('\n', pos);
        if (lf == std::string_view::npos || lf == pos || block[lf - 1] != '\r')
            return reject(400, "bare LF in the header block");
        const std::string_view text = block.substr(pos, lf - 1 - pos);
        pos = lf + 1;
        if (line++ == 0) {
            if (text.size() > kMaxRequestLine)
                return reject(414, "request line longer than 8 KiB");
            for (unsigned char c : text)
                if (isForbiddenControl(c) || c == '\t')
                    return reject(400, "control character in the request line");
            continue;
        }
        if (text.empty())
            break; // the empty line: end of the header block
        fieldBytes += text.size() + 2;
        if (++fields > kMaxFields)
            return reject(431, "more than 100 header fields");
        if (fieldBytes > kMaxFieldBytes)
            return reject(431, "header block larger than 16 KiB");
        if (text.front() == ' ' || text.front() == '\t')
            return reject(400, "obsolete line folding (obs-fold) in a header");
        const std::size_t colon = text.find(':');
        if (colon == std::string_view::npos)
            return reject(400, "header line without a colon");
        if (colon == 0)
            return reject(400, "empty header name");
        const std::string_view name = text.substr(0, colon);
        if (name.back() == ' ' || name.back() == '\t')
            return reject(400, "whitespace before the colon in a header");
        for (unsigned char c : name)
            if (!isTokenChar(c))
                return reject(400, "invalid character in a header name");
        for (unsigned char c : text.substr(colon + 1))
            if (isForbiddenControl(c))
                return reject(400, c == 0 ? "NUL in a header value" : c == '\r' ? "CR in a header value"
                                                                                : "control character in a header value");
    }
    return {};
}

RequestVerdict RequestValidator::checkFields(const http::request_header<>& header)
{
    std::size_t lengths = 0;
    std::size_t encodings = 0;
    std::size_t hosts = 0;
    for (const auto& f : header) {
        switch (f.name()) {
        case http::field::content_length:
            if (++lengths > 1)
                return reject(400, "more than one Content-Length");
            // 18 digits fit in 64 bits: longer is an overflow attempt, not a real body.
            if (!allDigits(f.value()) || f.value().size() > 18)
                return reject(400, "Content-Length is not a number");
            break;
        case http::field::transfer_encoding:
            if (++encodings > 1)
                return reject(400, "more than one Transfer-Encoding");
            // Only the one coding every hop agrees on; anything else is a smuggling vector.
            if (f.value() != "chunked")
                return reject(400, "Transfer-Encoding other than a single \"chunked\"");
            break;
        case http::field::host:
            ++hosts;
            break;
        default:
            break;
        }
    }
    if (lengths > 0 && encodings > 0)
        return reject(400, "both Content-Length and Transfer-Encoding");
    if (hosts > 1)
        return reject(400, "more than one Host");
    if (hosts == 0 && header.version() >= 11)
        return reject(400, "HTTP/1.1 request without Host");
    return {};
}

RequestVerdict RequestValidator::checkFields(const MessageHead& head)
{
    std::size_t hosts = 0;
    for (const auto& f : head.fields) {
        if (iequals(f.name, "Content-Length")) {
            if (head.contentLengthFields > 1)
                return reject(400, "more than one Content-Length");
            if (!allDigits(f.value) || f.value.size() > 18)
                return reject(400, "Content-Length is not a number");
        } else if (iequals(f.name, "Transfer-Encoding")) {
            if (head.transferEncodingFields > 1)
                return reject(400, "more than one Transfer-Encoding");
            if (f.value != "chunked")
                return reject(400, "Transfer-Encoding other than a single \"chunked\"");
        } else if (iequals(f.name, "Host")) {
            ++hosts;
        }
    }
    if (head.contentLengthFields > 0 && head.transferEncodingFields > 0)
        return reject(400, "both Content-Length and Transfer-Encoding");
    if (hosts > 1)
        return reject(400, "more than one Host");
    if (hosts == 0 && head.version >= 11)
        return reject(400, "HTTP/1.1 request without Host");
    return {};
}

} // namespace lblab
