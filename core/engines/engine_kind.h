#pragma once

#include <cstdint>

namespace lblab {

/// The balancers the lab can drive (EngineCatalog names them).
enum class EngineKind : std::uint8_t {
    Builtin, ///< the lab's own proxy (core/proxy)
    Haproxy, ///< a real HAProxy 2.6 started as a child
    Nginx,   ///< a real NGINX 1.22 (open source) started as a child
};

} // namespace lblab
