#pragma once

#include "core/policies/decision_reason.h"

#include <optional>
#include <string>
#include <string_view>

namespace lblab {

/// A DecisionReason as a short token that a CSV field holds unquoted ("~c.1.5f3a91c2.0.3.1...":
/// hexadecimal fields after a '~'). The capture keeps it in an events.csv row as the request is
/// recorded (a few number conversions, no text, no allocation once the row buffer has grown) and
/// turns it into the why text when the file is exported (see Capture::writeEventsCsv).
namespace reason_code {

/// The first character of a code; a why text never starts with it.
inline constexpr char kMark = '~';

/// Appends the code of `reason` to `out`.
void append(std::string& out, const DecisionReason& reason);
/// The reason a code holds, or nullopt when `code` is not one (a why text, a damaged field).
std::optional<DecisionReason> parse(std::string_view code);

} // namespace reason_code

} // namespace lblab
