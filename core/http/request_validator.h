#pragma once

#include <boost/beast/http/message.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace lblab {

class MessageHead;

/// Why a request is refused: the status to answer (0 = accepted) and a short reason.
struct RequestVerdict {
    unsigned status = 0;   ///< 400, 413, 414, 431; 0 when the request may go on
    std::string reason;    ///< human text for X-LBLab-Error and the capture

    /// True when the request may go on.
    bool ok() const { return status == 0; }
};

/// Where a request's header block ends in a buffer, as far as the bytes seen so far tell.
struct HeaderScan {
    enum class State { NeedMore, Complete, Rejected };
    State state = State::NeedMore; ///< whether to read more, parse, or refuse
    std::size_t size = 0;          ///< when Complete: bytes up to and including the empty line
    RequestVerdict verdict;               ///< when Rejected: why
};

/// RFC 9112 / RFC 9110 rules the lab enforces before a request may reach a backend, split in two
/// cheap passes: one over the raw header bytes (what a parser normalises away: obs-fold, space
/// before the colon, control bytes, sizes) and one over the parsed fields (framing: Content-Length,
/// Transfer-Encoding, Host). Pure functions, no sockets, so they are unit-tested and fuzzed alone.
class RequestValidator {
public:
    static constexpr std::size_t kMaxRequestLine = 8 * 1024;   ///< longer: 414
    static constexpr std::size_t kMaxFieldBytes = 16 * 1024;   ///< field section longer: 431
    static constexpr std::size_t kMaxFields = 100;             ///< more fields: 431

    /// Finds the end of the header block in `bytes` (the start of the connection's unread data)
    /// and, once it is complete, checks its raw bytes. NeedMore means: read more and call again;
    /// `scanned` (bytes already searched by an earlier call) keeps a byte-by-byte sender linear.
    static HeaderScan scan(std::string_view bytes, std::size_t scanned = 0);

    /// Checks the raw header block (request line up to and including the empty line).
    static RequestVerdict checkRaw(std::string_view block);

    /// Checks the framing and Host of parsed fields.
    static RequestVerdict checkFields(const boost::beast::http::request_header<>& header);
    /// The same rules over a zero-copy parsed head (what the balancer uses).
    static RequestVerdict checkFields(const MessageHead& head);

    /// Number of leading empty lines (CRLF) a server may skip before the request line (RFC 9112 2.2).
    static std::size_t leadingEmptyLines(std::string_view bytes);
};

} // namespace lblab
