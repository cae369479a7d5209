// Signed client-side sessions: HMAC-SHA256 tokens that any server verifies and nobody can forge.

#include "core/store/session_signer.h"

#include <gtest/gtest.h>

#include <string>

namespace lblab {
namespace {

using V = SessionSigner::Verdict;

SessionSigner::Key keyOf(unsigned char fill)
{
    SessionSigner::Key key{};
    key.fill(fill);
    return key;
}

TEST(SessionSignerTest, AGenuineTokenIsValidAndNamesItsUser)
{
    const SessionSigner signer(keyOf(7));
    const std::string token = signer.sign("alice", 2000);
    std::string user;
    EXPECT_EQ(signer.verify(token, 1999, &user), V::Valid) << token;
    EXPECT_EQ(user, "alice");
    EXPECT_EQ(token.rfind("alice.2000.", 0), 0u) << "the expiry is part of the signed text: " << token;
    for (char c : token)
        EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_')
            << "cookie-safe: " << token;
}

TEST(SessionSignerTest, OneCharacterChangedAnywhereIsTampered)
{
    const SessionSigner signer(keyOf(7));
    const std::string token = signer.sign("alice", 2000);
    for (std::size_t i = 0; i < token.size(); ++i) {
        if (token[i] == '.')
            continue;
        std::string changed = token;
        changed[i] = changed[i] == 'A' ? 'B' : 'A';
        if (i > 5 && i < 10) // the expiry's digits: keep it a number
            changed[i] = token[i] == '9' ? '8' : '9';
        EXPECT_EQ(signer.verify(changed, 1000), V::Tampered) << "position " << i << ": " << changed;
    }
}

TEST(SessionSignerTest, AnotherKeysTokenIsTamperedAndAnOldOneExpired)
{
    const SessionSigner ours(keyOf(7));
    const SessionSigner theirs(keyOf(8));
    EXPECT_EQ(ours.verify(theirs.sign("alice", 2000), 1000), V::Tampered);
    EXPECT_EQ(ours.verify(ours.sign("alice", 2000), 2000), V::Expired);
    EXPECT_EQ(ours.verify(ours.sign("alice", 2000), 5000), V::Expired);
}

TEST(SessionSignerTest, GarbageIsMalformed)
{
    const SessionSigner signer(keyOf(7));
    for (const char* token : {"", "alice", "alice.2000", "alice..sig", ".2000.sig", "al ice.2000.sig",
                              "alice.20x0.sig", "alice.2000.", "a.b.c.d"})
        EXPECT_EQ(signer.verify(token, 1000), V::Malformed) << '"' << token << '"';
    EXPECT_THROW((void)signer.sign("", 2000), std::invalid_argument);
    EXPECT_THROW((void)signer.sign("bob;admin", 2000), std::invalid_argument);
}

TEST(SessionSignerTest, EachRunHasItsOwnRandomKey)
{
    const SessionSigner a = SessionSigner::withRandomKey();
    const SessionSigner b = SessionSigner::withRandomKey();
    EXPECT_NE(a.sign("alice", 2000), b.sign("alice", 2000));
    EXPECT_EQ(b.verify(a.sign("alice", 2000), 1000), V::Tampered);
}

} // namespace
} // namespace lblab
