#pragma once

#include "core/store/session_store_kind.h"

#include <chrono>
#include <filesystem>
#include <memory>

namespace lblab {

class SessionSigner;
class StoreMeter;

/// How a backend reaches the session store the lab runs: nothing (local), a Redis socket (shared) or
/// the signing key every backend shares (client); and where it reports what the store cost.
struct SessionStoreLink {
    SessionStoreKind kind = SessionStoreKind::Local;
    std::shared_ptr<const SessionSigner> signer; ///< client: signs and verifies session cookies
    std::filesystem::path redisSocket;           ///< shared: the Redis server's UNIX socket
    std::shared_ptr<StoreMeter> meter;           ///< shared and client: every store operation is counted here
    std::chrono::seconds ttl{1800};              ///< a session's idle lifetime (shared) or validity (client)
    std::chrono::milliseconds deadline{250};     ///< shared: the longest a Redis call may take
};

} // namespace lblab
