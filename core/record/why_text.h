#pragma once

#include "core/lab/snapshot.h"
#include "core/request_event.h"

#include <span>
#include <string>
#include <vector>

namespace lblab {

/// The reason of a request's decision as one line of text, with its inputs, e.g.
/// "hash(127.0.3.17) = 0x5f3a91c2 mod 3 = 1 -> s2", "table: 127.0.3.17 pinned to s2 4.2 s ago -> s2",
/// "least connections: s1 3, s2 1, s3 2 -> s2". Built from event.reason, the key and the address;
/// an event that carries its reason as text (event.why: an engine's log line, a replayed row)
/// gets that text. `backendNames` is indexed by backend index; an index past it is written "#7".
/// Costs a few small allocations: call it when a request is shown or exported, never per request.
std::string whyText(const RequestEvent& event, std::span<const std::string> backendNames);

/// The reason of a client's last request (the map's tooltip), as whyText of that request.
std::string whyText(const ClientView& client, std::span<const std::string> backendNames);

/// The reason of the last request of a story entry ("" for an address change).
std::string whyText(const StoryEntry& entry, std::span<const std::string> backendNames);

/// The names of `snapshot`'s servers by backend index: whyText's `backendNames` for what it shows.
std::vector<std::string> backendNames(const Snapshot& snapshot);

} // namespace lblab
