#pragma once

#include "core/request_event.h"

#include <string>
#include <string_view>
#include <vector>

namespace lblab {

/// The rows of events.csv (columns in docs/csv-format.md): how a recorded request is kept while
/// the run goes on, and how a kept row becomes the exported one. The why column is kept as a
/// reason code (core/record/reason_code.h) and written out as text by exportRow, so recording a
/// request never builds the text.
namespace events_csv {

/// The header row's fields; new columns go last.
inline constexpr std::string_view kHeader =
    "t_ms,client_id,client_ip,session_key,method,path,policy,decision,backend,status,latency_us,"
    "session,seq,why";

/// Appends every column before seq (known only under the capture's lock), each followed by ','.
void appendLeadingFields(std::string& out, const RequestEvent& event);
/// Appends what the why column keeps during the run: the event's own text when it has one (an
/// engine's), else the code of its DecisionReason. Unquoted: the caller writes it as a CSV field.
void appendKeptWhy(std::string& out, const RequestEvent& event);
/// Appends `row` (one whole kept row, line end included) as it is exported: a reason code in its
/// last column becomes whyText, with backend names from `names` (by index; a backend named in the
/// row but missing there is added). Any other row is appended unchanged.
void appendExportedRow(std::string& out, std::string_view row, std::vector<std::string>& names);

} // namespace events_csv

} // namespace lblab
