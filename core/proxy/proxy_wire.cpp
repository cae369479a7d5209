#include "core/proxy/proxy_wire.h"

#include "core/http/wire_format.h"

#include <cstdio>

namespace lblab::proxy_wire {

std::chrono::steady_clock::duration seconds(double s)
{
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

std::string formatSeconds(double s)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g s", s);
    return text;
}

bool isHopByHop(std::string_view name)
{
    for (std::string_view hop : {"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer",
                                 "Transfer-Encoding", "Upgrade", "Content-Length"})
        if (iequals(name, hop))
            return true;
    return false;
}

bool isIdempotent(std::string_view method)
{
    return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "PUT" || method == "DELETE";
}

void writeUpstreamHead(std::string& up, const MessageHead& req, Ipv4 peer, std::size_t bodySize)
{
    up.clear();
    up += req.method;
    up += ' ';
    up += req.target;
    up += " HTTP/1.1\r\n";
    std::string_view forwardedFor;
    bool hadForwardedFor = false;
    for (const auto& field : req.fields) {
        if (iequals(field.name, "X-Forwarded-For")) {
            forwardedFor = field.value;
            hadForwardedFor = true;
            continue;
        }
        // Expect was answered here (the body is already read): the backend must not send a 100.
        if (!isHopByHop(field.name) && !req.namedByConnection(field.name) && !iequals(field.name, "Expect"))
            wire::appendField(up, field.name, field.value);
    }
    up += "X-Forwarded-For: ";
    if (hadForwardedFor) {
        up += forwardedFor;
        up += ", ";
    }
    wire::appendIpv4(up, peer);
    up += "\r\n";
    if (bodySize > 0 || req.method == "POST" || req.method == "PUT" || req.method == "OPTIONS") {
        up += "Content-Length: ";
        wire::appendNumber(up, bodySize);
        up += "\r\n";
    }
    up += "\r\n";
}

void beginPlainResponse(std::string& out, std::string& text, unsigned status, std::string_view reason,
                        unsigned version)
{
    const std::string_view phrase = wire::reasonPhrase(status);
    text.clear();
    wire::appendNumber(text, status);
    text += ' ';
    text += phrase;
    text += ": ";
    text += reason;
    text += '\n';
    out.clear();
    wire::appendStatusLine(out, version, status, phrase);
    wire::appendField(out, "Server", "lblab");
    wire::appendField(out, "Content-Type", "text/plain; charset=utf-8");
    wire::appendField(out, "X-LBLab-Error", reason);
}

void finishHead(std::string& out, unsigned version, bool keepAlive, bool withLength, std::uint64_t length)
{
    if (version >= 11 && !keepAlive)
        wire::appendField(out, "Connection", "close");
    else if (version < 11 && keepAlive)
        wire::appendField(out, "Connection", "keep-alive");
    if (withLength) {
        out += "Content-Length: ";
        wire::appendNumber(out, length);
        out += "\r\n";
    }
    out += "\r\n";
}

} // namespace lblab::proxy_wire
