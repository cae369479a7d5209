#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace lblab {

/// Decodes a chunked body (RFC 9112 7.1) incrementally, bytes as they arrive, into a caller's
/// string. Chunk extensions and trailer fields are read and dropped. Bounded: the decoded size
/// by `limit`, a chunk-size line by kMaxLine, the trailer section by kMaxTrailer.
class ChunkedDecoder {
public:
    static constexpr std::size_t kMaxLine = 4096;         ///< chunk-size line with extensions
    static constexpr std::size_t kMaxTrailer = 16 * 1024; ///< whole trailer section

    /// The outcome of one feed().
    enum class Result { NeedMore, Done, Bad, TooLarge };

    /// Starts a new body of at most `limit` decoded bytes.
    void reset(std::size_t limit);
    /// Decodes what it can from `in`, appending data to `out`; `used` is how many bytes of `in`
    /// were consumed (the rest, after Done, belongs to the next message).
    Result feed(std::string_view in, std::string& out, std::size_t& used);
    /// Why the body was Bad (a static string).
    const char* error() const { return m_error; }

private:
    enum class State { Size, Data, DataEnd, Trailer, Done };
    Result bad(const char* why);

    State m_state = State::Size;
    std::uint64_t m_remaining = 0;
    std::size_t m_limit = 0;
    std::size_t m_trailer = 0;
    const char* m_error = "";
};

} // namespace lblab
