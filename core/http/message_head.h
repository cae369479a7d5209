#pragma once

#include "core/base/text.h" // trimOws, iequals: how header names and values compare

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace lblab {

/// One header field as it appears on the wire: views into the caller's buffer, value trimmed of
/// surrounding spaces and tabs.
struct HeaderField {
    std::string_view name;  ///< as written (compare with iequals)
    std::string_view value; ///< without leading/trailing SP and HTAB
};

/// How a message's body is delimited (RFC 9112 6.3).
enum class BodyFraming : std::uint8_t {
    None,       ///< no body (no Content-Length/Transfer-Encoding on a request; 1xx/204/304/HEAD answers)
    Length,     ///< exactly contentLength bytes
    Chunked,    ///< chunked transfer coding
    UntilClose, ///< a response without length: the body ends when the connection closes
};

/// The start line and fields of one HTTP/1.x message, parsed without copying: every view points
/// into the buffer the block was parsed from (see rebase() when that buffer moves). Reused across
/// messages: parse() clears it but keeps the field vector's capacity.
class MessageHead {
public:
    static constexpr std::size_t kMaxFields = 128; ///< more fields: the parse fails

    std::string_view method;  ///< request: "GET"
    std::string_view target;  ///< request: "/search?loc=eu"
    unsigned status = 0;      ///< response: 200
    std::string_view reason;  ///< response: "OK" (may be empty)
    unsigned version = 11;    ///< 10 for HTTP/1.0, 11 for HTTP/1.1
    std::vector<HeaderField> fields; ///< in wire order

    /// Framing fields, filled by parse for both kinds (checked by the caller's rules).
    std::size_t contentLengthFields = 0;   ///< how many Content-Length fields
    std::size_t transferEncodingFields = 0;///< how many Transfer-Encoding fields
    std::uint64_t contentLength = 0;       ///< the value of the first valid Content-Length
    bool contentLengthValid = true;        ///< every Content-Length is 1-18 digits and all are equal
    bool chunked = false;                  ///< the last (only) transfer coding is "chunked"
    bool connectionClose = false;          ///< Connection lists "close"
    bool connectionKeepAlive = false;      ///< Connection lists "keep-alive"
    bool connectionNamesFields = false;    ///< Connection lists a field name (RFC 9110 7.6.1: hop-by-hop too)

    /// Parses a request head `block` (request line through the empty line, already checked by
    /// RequestValidator::checkRaw). False when the request line is not "METHOD SP target SP HTTP/d.d".
    bool parseRequest(std::string_view block);
    /// Parses a response head (status line through the empty line). False on any malformed line:
    /// a backend's answer is not pre-validated, so this checks line endings and names itself.
    bool parseResponse(std::string_view block);

    /// Keep-alive as RFC 9112 9.3 defines it for this version and Connection header.
    bool keepAlive() const { return version >= 11 ? !connectionClose : connectionKeepAlive; }
    /// The value of the first field named `name` (case-insensitive), or "" when there is none.
    std::string_view find(std::string_view name) const;
    /// True when a Connection field lists `name`: that field is meant for the next hop only.
    bool namedByConnection(std::string_view name) const;
    /// Moves every view by the distance between two bases, after the buffer they point into moved.
    void rebase(const char* oldBase, const char* newBase);

private:
    void clear();
    bool parseFields(std::string_view lines, bool strict);
};

/// True for a token character (RFC 9110 5.6.2 tchar): what a method and a field name are made of.
bool isTokenChar(unsigned char c);

/// True when the comma-separated list `list` contains `token` (case-insensitive).
bool listHasToken(std::string_view list, std::string_view token);

} // namespace lblab
