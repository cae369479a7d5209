#include "core/store/session_signer.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace lblab {

namespace {

constexpr std::size_t kMaxUser = 64;
constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool isUserChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool validUser(std::string_view user)
{
    return !user.empty() && user.size() <= kMaxUser && std::all_of(user.begin(), user.end(), isUserChar);
}

/// base64url without padding.
std::string base64url(const unsigned char* data, std::size_t size)
{
    std::string out;
    out.reserve((size * 4 + 2) / 3);
    std::size_t i = 0;
    for (; i + 2 < size; i += 3) {
        const unsigned v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (size - i == 1) {
        const unsigned v = data[i] << 16;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
    } else if (size - i == 2) {
        const unsigned v = (data[i] << 16) | (data[i + 1] << 8);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
    }
    return out;
}

} // namespace

SessionSigner::SessionSigner(const Key& key) : m_key(key) {}

SessionSigner SessionSigner::withRandomKey()
{
    Key key{};
    if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1)
        throw std::runtime_error("signed sessions: the system gave no random bytes for the key");
    return SessionSigner(key);
}

std::string SessionSigner::signature(std::string_view signedText) const
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!HMAC(EVP_sha256(), m_key.data(), static_cast<int>(m_key.size()),
              reinterpret_cast<const unsigned char*>(signedText.data()), signedText.size(), mac, &length))
        throw std::runtime_error("signed sessions: HMAC-SHA256 failed");
    return base64url(mac, length);
}

std::string SessionSigner::sign(std::string_view user, std::int64_t expiresUnixSeconds) const
{
    if (!validUser(user))
        throw std::invalid_argument("signed sessions: a user must be 1 to 64 letters, digits, '_' or '-', got \"" +
                                    std::string(user.substr(0, kMaxUser)) + "\"");
    std::string text = std::string(user) + "." + std::to_string(expiresUnixSeconds);
    const std::string mac = signature(text);
    return text + "." + mac;
}

SessionSigner::Verdict SessionSigner::verify(std::string_view token, std::int64_t nowUnixSeconds,
                                             std::string* user) const
{
    const auto firstDot = token.find('.');
    const auto lastDot = token.rfind('.');
    if (firstDot == std::string_view::npos || lastDot == firstDot)
        return Verdict::Malformed;
    const std::string_view name = token.substr(0, firstDot);
    const std::string_view expiry = token.substr(firstDot + 1, lastDot - firstDot - 1);
    const std::string_view mac = token.substr(lastDot + 1);
    std::int64_t expires = 0;
    const auto [end, error] = std::from_chars(expiry.data(), expiry.data() + expiry.size(), expires);
    if (!validUser(name) || expiry.empty() || error != std::errc() || end != expiry.data() + expiry.size() ||
        mac.empty())
        return Verdict::Malformed;
    const std::string expected = signature(token.substr(0, lastDot));
    if (mac.size() != expected.size() || CRYPTO_memcmp(mac.data(), expected.data(), expected.size()) != 0)
        return Verdict::Tampered;
    if (nowUnixSeconds >= expires)
        return Verdict::Expired;
    if (user)
        user->assign(name);
    return Verdict::Valid;
}

std::string_view SessionSigner::toString(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Valid: return "valid";
    case Verdict::Malformed: return "malformed";
    case Verdict::Tampered: return "tampered";
    case Verdict::Expired: return "expired";
    }
    return "malformed";
}

} // namespace lblab
