#include "core/record/why_text.h"

#include "core/base/peer_text.h"

#include <charconv>
#include <cstdio>

namespace lblab {
namespace {

/// What the text of one decision is built from, whichever record carries it.
struct WhyInputs {
    const DecisionReason& reason;
    DecisionKind decision;
    int backend;
    Ipv4 clientIp;
    std::string_view key;
    unsigned status;
    std::string_view why;
};

class WhyWriter {
public:
    WhyWriter(const WhyInputs& in, std::span<const std::string> names) : m_in(in), m_names(names) {}

    std::string text()
    {
        const DecisionReason& r = m_in.reason;
        if (!m_in.why.empty())
            return std::string(m_in.why);
        if (r.failed >= 0) {
            name(r.failed);
            m_out += " failed, retried elsewhere: ";
        }
        rule();
        return std::move(m_out);
    }

private:
    void name(long long index)
    {
        if (index >= 0 && static_cast<std::size_t>(index) < m_names.size() && !m_names[index].empty()) {
            m_out += m_names[static_cast<std::size_t>(index)];
            return;
        }
        if (index < 0 || index == DecisionReason::kNoIndex) {
            m_out += "?";
            return;
        }
        m_out += '#';
        number(static_cast<unsigned long long>(index));
    }
    void number(unsigned long long value, int base = 10)
    {
        char digits[24];
        const auto end = std::to_chars(digits, digits + sizeof digits, value, base).ptr;
        m_out.append(digits, end);
    }
    void hex(unsigned long long value)
    {
        m_out += "0x";
        number(value, 16);
    }
    /// The key as the request carried it; an address key is the client's address.
    void key()
    {
        if (!m_in.key.empty())
            m_out += m_in.key;
        else if (m_in.reason.key == ReasonKey::Address)
            m_out += PeerText(m_in.clientIp).view();
    }
    void chosen()
    {
        m_out += " -> ";
        if (m_in.backend < 0) {
            m_out += "none, answered ";
            number(m_in.status);
            return;
        }
        name(m_in.backend);
    }
    void candidates(const char* separator, const char* loadPrefix, bool withLoad)
    {
        const DecisionReason& r = m_in.reason;
        for (int i = 0; i < r.candidates; ++i) {
            if (i > 0)
                m_out += separator;
            name(r.candidate[i]);
            if (withLoad) {
                m_out += loadPrefix;
                number(r.load[i]);
            }
        }
        if (r.more > 0) {
            m_out += separator;
            m_out += "+";
            number(r.more);
            m_out += " more";
        }
    }
    void seconds(std::uint32_t ms)
    {
        char text[32];
        std::snprintf(text, sizeof text, "%.1f s", ms / 1000.0);
        m_out += text;
    }
    /// "table: 127.0.3.17", "cookie s2-9f3a1c07", "session id abc" ...
    void keyNamed()
    {
        switch (m_in.reason.key) {
        case ReasonKey::Address: m_out += "table: "; break;
        case ReasonKey::Cookie: m_out += "cookie "; break;
        case ReasonKey::SessionCookie: m_out += "session cookie "; break;
        case ReasonKey::UrlParam: m_out += "session id in the URL "; break;
        default: m_out += "key "; break;
        }
        key();
    }
    void rule()
    {
        const DecisionReason& r = m_in.reason;
        switch (r.rule) {
        case ReasonRule::None:
            if (m_in.decision == DecisionKind::NoBackend)
                m_out += "refused before a policy decided";
            else
                m_out += toString(m_in.decision);
            break;
        case ReasonRule::Rotation:
            m_out += "round robin: ";
            name(r.slot);
            m_out += "'s turn";
            if (static_cast<int>(r.slot) != m_in.backend) {
                m_out += ", ";
                name(r.slot);
                m_out += " takes no new clients";
            }
            break;
        case ReasonRule::WeightedRotation:
            m_out += "weighted round robin: ";
            candidates(", ", " w", true);
            if (r.slot != DecisionReason::kNoSlot) {
                m_out += "; pick ";
                number(r.slot + 1ull);
                m_out += " of ";
                number(r.modulus);
            }
            break;
        case ReasonRule::RandomDraw:
            m_out += "random: draw ";
            number(r.slot);
            m_out += " of 0..";
            number(r.modulus > 0 ? r.modulus - 1ull : 0);
            break;
        case ReasonRule::LeastConnections:
            m_out += "least connections: ";
            candidates(", ", " ", true);
            break;
        case ReasonRule::PowerOfTwo:
            m_out += "power of two: ";
            if (r.candidates == 1) {
                m_out += "only ";
                name(r.candidate[0]);
                m_out += " takes new clients";
            } else {
                candidates(" vs ", " ", true);
            }
            break;
        case ReasonRule::HashModulo:
            m_out += "hash(";
            key();
            m_out += ") = ";
            hex(r.hash);
            m_out += " mod ";
            number(r.modulus);
            m_out += " = ";
            number(r.slot);
            break;
        case ReasonRule::Ring:
            m_out += "ring: hash(";
            key();
            m_out += ") = ";
            hex(r.hash);
            m_out += " -> point ";
            hex(r.point);
            m_out += " owned by ";
            name(r.candidates > 0 ? r.candidate[0] : -1);
            if (r.candidates > 0 && r.candidate[0] == m_in.backend)
                return; // "owned by s3" already names the backend
            if (m_in.backend >= 0)
                m_out += ", over the load bound";
            break;
        case ReasonRule::Region:
            m_out += "region ";
            key();
            m_out += " -> ";
            candidates(", ", "", false);
            m_out += "; round robin";
            break;
        case ReasonRule::RegionFallback:
            if (m_in.key.empty()) {
                m_out += "no region asked; round robin over all";
            } else {
                m_out += "region ";
                key();
                m_out += ": no server there takes new clients; round robin over all";
            }
            break;
        case ReasonRule::TablePinned:
            keyNamed();
            m_out += " pinned to ";
            name(r.pinned);
            m_out += ' ';
            seconds(r.pinAgeMs);
            m_out += " ago";
            break;
        case ReasonRule::CookieNamesServer:
            keyNamed();
            m_out += " names ";
            name(r.pinned);
            m_out += " (no table row)";
            break;
        case ReasonRule::TableNoEntry:
            if (r.key == ReasonKey::Address) {
                m_out += "table: no entry for ";
                key();
                m_out += " (new address) -> new pin ";
                name(m_in.backend);
                return;
            }
            if (r.key == ReasonKey::Cookie) {
                m_out += "no valid cookie (new client) -> new pin ";
                name(m_in.backend);
                m_out += ", cookie ";
                key();
                return;
            }
            if (m_in.key.empty()) {
                m_out += "no session id; round robin";
            } else {
                keyNamed();
                m_out += " not in the table; round robin";
            }
            break;
        case ReasonRule::TableRepinned:
            keyNamed();
            m_out += " pinned to ";
            name(r.pinned);
            m_out += ", which cannot serve it -> re-pinned to ";
            name(m_in.backend);
            return;
        case ReasonRule::NoBackend:
            m_out += "no backend takes new clients";
            break;
        }
        chosen();
    }

    const WhyInputs& m_in;
    std::span<const std::string> m_names;
    std::string m_out;
};

} // namespace

std::string whyText(const RequestEvent& e, std::span<const std::string> backendNames)
{
    return WhyWriter({e.reason, e.decision, e.backend, e.clientIp, e.sessionKey, e.status, e.why}, backendNames).text();
}

std::string whyText(const ClientView& c, std::span<const std::string> backendNames)
{
    if (c.lastUs < 0)
        return {};
    return WhyWriter({c.reason, c.decision, c.backend, c.ip, c.sessionKey, c.status, c.why}, backendNames).text();
}

std::vector<std::string> backendNames(const Snapshot& snapshot)
{
    std::vector<std::string> names;
    names.reserve(snapshot.servers.size());
    for (const BackendView& server : snapshot.servers)
        names.push_back(server.name);
    return names;
}

std::string whyText(const StoryEntry& s, std::span<const std::string> backendNames)
{
    if (s.kind != StoryEntry::Kind::Requests)
        return {};
    return WhyWriter({s.reason, s.decision, s.backend, s.ip, s.sessionKey, s.status, s.why}, backendNames).text();
}

} // namespace lblab
