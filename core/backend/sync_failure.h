#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <system_error>

namespace lblab {

namespace backend_server_detail {

/// What a call run on the strand threw, carried back to the calling thread as values.
struct SyncFailure {
    enum class Kind : std::uint8_t { None, System, Logic, Other };
    Kind kind = Kind::None;
    std::error_code code;
    std::string what;

    /// Throws the equivalent exception (nothing if there was no failure).
    void raise() const
    {
        switch (kind) {
        case Kind::None:
            return;
        case Kind::System: {
            // system_error appends ": <message>" itself; keep the context part only.
            std::string context = what;
            const std::string suffix = ": " + code.message();
            if (context.size() >= suffix.size() && context.ends_with(suffix))
                context.resize(context.size() - suffix.size());
            throw std::system_error(code, context);
        }
        case Kind::Logic:
            throw std::logic_error(what);
        case Kind::Other:
            throw std::runtime_error(what);
        }
    }
};

} // namespace backend_server_detail

} // namespace lblab
