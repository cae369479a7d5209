// libFuzzer target: raw bytes through what the balancer does with a request before any socket
// write: header scan and raw checks, the balancer's head parser and Beast's parser, field checks, cookie extraction and a
// policy's choice. No sockets. Build: scripts/fuzz.sh.

#include "core/http/message_head.h"
#include "core/http/request_validator.h"
#include "core/base/cookie_header.h"
#include "core/policies/policy_catalog.h"

#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace {

namespace http = boost::beast::http;

struct Policies {
    std::vector<std::unique_ptr<lblab::Policy>> all;
    std::vector<lblab::BackendInfo> backends;

    Policies()
    {
        lblab::PolicyOptions o;
        o.tableCapacity = 1000; // bounded: the fuzzer runs millions of requests
        for (const auto& d : lblab::PolicyCatalog::all())
            all.push_back(lblab::PolicyCatalog::make(d.id, o));
        for (int i = 0; i < 3; ++i) {
            lblab::BackendInfo b;
            b.name = "s" + std::to_string(i + 1);
            b.region = i == 0 ? "eu" : i == 1 ? "us" : "asia";
            backends.push_back(b);
        }
        for (auto& p : all)
            p->backendsChanged(backends);
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static Policies policies;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const std::size_t skip = lblab::RequestValidator::leadingEmptyLines(bytes);
    const std::string_view rest = bytes.substr(skip);
    // Feed the scanner in two pieces, as a socket would, to exercise the resumed search.
    const lblab::HeaderScan first = lblab::RequestValidator::scan(rest.substr(0, rest.size() / 2));
    const lblab::HeaderScan scan = lblab::RequestValidator::scan(rest, first.state == lblab::HeaderScan::State::NeedMore
                                                                            ? rest.size() / 2
                                                                            : 0);
    if (scan.state != lblab::HeaderScan::State::Complete)
        return 0;

    // The balancer's own zero-copy path: the head parsed into views, then the same field rules.
    {
        thread_local lblab::MessageHead head;
        if (head.parseRequest(rest.substr(0, scan.size)))
            (void)lblab::RequestValidator::checkFields(head);
    }

    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(scan.size + 1));
    parser.body_limit(64 * 1024);
    boost::system::error_code ec;
    const std::size_t used = parser.put(boost::asio::buffer(rest.data(), scan.size), ec);
    if (ec || !parser.is_header_done())
        return 0;
    if (!lblab::RequestValidator::checkFields(parser.get().base()).ok())
        return 0;
    std::string_view body = rest.substr(used);
    while (!parser.is_done() && !body.empty()) {
        const std::size_t n = parser.put(boost::asio::buffer(body.data(), body.size()), ec);
        if (ec == http::error::need_more) {
            ec = {};
            break;
        }
        if (ec || n == 0)
            break;
        body.remove_prefix(n);
    }

    const auto& req = parser.get();
    const auto cookie = req[http::field::cookie];
    (void)lblab::findCookie(cookie, "LBLAB_SRV");
    (void)lblab::findCookie(cookie, "SESSIONID");
    (void)lblab::parseSetCookie(cookie);

    lblab::RequestView view;
    view.peer = 0x7f000001u + static_cast<std::uint32_t>(size & 0xff);
    view.method = req.method_string();
    view.target = req.target();
    view.cookieHeader = cookie;
    view.regionHeader = req["X-Region"];
    view.now = lblab::Clock::now();
    auto& policy = *policies.all[size % policies.all.size()];
    const lblab::Decision d = policy.choose(view, policies.backends);
    if (d.backend >= static_cast<int>(policies.backends.size()))
        __builtin_trap(); // a policy chose a backend that does not exist
    return 0;
}
