#pragma once

// Client-side sessions: the session lives in a cookie the servers sign and verify, so no server
// keeps anything.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace lblab {

/// Signs and verifies session tokens with HMAC-SHA256 (OpenSSL) under one key all backends share.
/// A token is `USER.EXPIRY.SIGNATURE`: the user (letters, digits, '_' and '-', at most 64), the
/// expiry in Unix seconds, and the base64url HMAC of `USER.EXPIRY`, so the expiry is inside the
/// signed text. Every character is cookie-safe. The signature is compared in constant time
/// (CRYPTO_memcmp). Thread-safe: const calls only.
class SessionSigner {
public:
    using Key = std::array<unsigned char, 32>;

    /// What a token turned out to be.
    enum class Verdict : std::uint8_t {
        Valid,     ///< signed with this key and not expired
        Malformed, ///< not USER.EXPIRY.SIGNATURE
        Tampered,  ///< well formed, but the signature does not match (changed, or another key)
        Expired,   ///< genuine, but past its expiry
    };

    explicit SessionSigner(const Key& key);
    /// A signer with a fresh random key (RAND_bytes): one per run. Throws std::runtime_error if the
    /// system has no randomness to give.
    static SessionSigner withRandomKey();

    /// The token for `user` valid until `expiresUnixSeconds`. Throws std::invalid_argument for a user
    /// that is empty, longer than 64 or not [A-Za-z0-9_-].
    std::string sign(std::string_view user, std::int64_t expiresUnixSeconds) const;
    /// Checks `token` at `nowUnixSeconds`; on Valid, `user` (if given) receives the user.
    Verdict verify(std::string_view token, std::int64_t nowUnixSeconds, std::string* user = nullptr) const;

    /// Stable names: "valid", "malformed", "tampered", "expired".
    static std::string_view toString(Verdict verdict);

private:
    std::string signature(std::string_view signedText) const;

    Key m_key;
};

} // namespace lblab
