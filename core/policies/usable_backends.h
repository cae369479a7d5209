#pragma once

#include "core/policies/policy.h"

#include <cstddef>
#include <span>

namespace lblab {

/// How many backends may take a new client.
std::size_t countAcceptingNew(std::span<const BackendInfo> backends);
/// The index of the `k`-th backend (0-based) that may take a new client, or -1.
/// Hash policies take "hash mod count" through this, so the list they map over is the usable one.
int nthAcceptingNew(std::span<const BackendInfo> backends, std::size_t k);
/// True when `index` names a backend that may keep serving a client pinned to it.
bool servesPinnedAt(std::span<const BackendInfo> backends, int index);
/// The index of the backend called `name` (removed ones included), or -1.
int findBackendByName(std::span<const BackendInfo> backends, std::string_view name);

} // namespace lblab
