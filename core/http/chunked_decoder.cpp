#include "core/http/chunked_decoder.h"

#include <algorithm>

namespace lblab {

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (c | 0x20) - 'a' + 10;
    return -1;
}

} // namespace

void ChunkedDecoder::reset(std::size_t limit)
{
    m_state = State::Size;
    m_remaining = 0;
    m_limit = limit;
    m_trailer = 0;
    m_error = "";
}

ChunkedDecoder::Result ChunkedDecoder::bad(const char* why)
{
    m_error = why;
    return Result::Bad;
}

ChunkedDecoder::Result ChunkedDecoder::feed(std::string_view in, std::string& out, std::size_t& used)
{
    used = 0;
    for (;;) {
        const std::string_view rest = in.substr(used);
        switch (m_state) {
        case State::Done:
            return Result::Done;
        case State::Size:
        case State::Trailer: {
            const std::size_t eol = rest.find("\r\n");
            if (eol == std::string_view::npos) {
                if (m_state == State::Size && rest.size() > kMaxLine)
                    return bad("chunk size line too long");
                if (m_state == State::Trailer && m_trailer + rest.size() > kMaxTrailer)
                    return bad("trailer section too large");
                return Result::NeedMore;
            }
            const std::string_view line = rest.substr(0, eol);
            used += eol + 2;
            if (m_state == State::Trailer) {
                m_trailer += eol + 2;
                if (m_trailer > kMaxTrailer)
                    return bad("trailer section too large");
                if (line.empty()) {
                    m_state = State::Done;
                    return Result::Done;
                }
                if (line.find(':') == std::string_view::npos || line.front() == ' ' || line.front() == '\t')
                    return bad("malformed trailer field");
                continue;
            }
            if (line.size() > kMaxLine)
                return bad("chunk size line too long");
            std::uint64_t size = 0;
            std::size_t digits = 0;
            while (digits < line.size() && hexValue(line[digits]) >= 0) {
                if (digits == 15)
                    return bad("chunk size overflows");
                size = size * 16 + static_cast<std::uint64_t>(hexValue(line[digits]));
                ++digits;
            }
            if (digits == 0)
                return bad("chunk size is not hexadecimal");
            // After the digits only whitespace and extensions (";name=value") may follow.
            std::string_view ext = line.substr(digits);
            while (!ext.empty() && (ext.front() == ' ' || ext.front() == '\t'))
                ext.remove_prefix(1);
            if (!ext.empty() && ext.front() != ';')
                return bad("chunk size is not hexadecimal");
            for (unsigned char c : ext)
                if ((c < 0x20 && c != '\t') || c == 0x7f)
                    return bad("control character in a chunk extension");
            if (size == 0) {
                m_state = State::Trailer;
                continue;
            }
            if (size > m_limit || out.size() + size > m_limit)
                return Result::TooLarge;
            m_remaining = size;
            m_state = State::Data;
            continue;
        }
        case State::Data: {
            if (rest.empty())
                return Result::NeedMore;
            const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(m_remaining, rest.size()));
            out.append(rest.data(), n);
            used += n;
            m_remaining -= n;
            if (m_remaining == 0)
                m_state = State::DataEnd;
            continue;
        }
        case State::DataEnd:
            if (rest.size() < 2)
                return Result::NeedMore;
            if (rest[0] != '\r' || rest[1] != '\n')
                return bad("chunk data not followed by CRLF");
            used += 2;
            m_state = State::Size;
            continue;
        }
    }
}

} // namespace lblab
