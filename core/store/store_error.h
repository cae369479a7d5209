#pragma once

#include <stdexcept>

namespace lblab {

/// The session store cannot run: its program is missing or does not start. The message is one line
/// naming the store and the problem.
class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace lblab
