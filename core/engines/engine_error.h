#pragma once

#include <stdexcept>

namespace lblab {

/// An outside engine cannot run: its program is missing, it rejected its configuration, or it did
/// not start. The message is one line naming the engine and the problem. (Headless, it is bad
/// input: exit status 2.)
class EngineError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace lblab
