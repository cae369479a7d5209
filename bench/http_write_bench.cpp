// What a response costs to serialize: Beast's generic serializer (what http::async_write runs for
// every message) against formatting the same bytes once into a reused flat string (what a "one
// write per response" path would send with a single asio::async_write). Both produce identical bytes.
// And what it costs to parse one: Beast's response_parser (a heap node per field) against the
// balancer's zero-copy MessageHead over the same bytes.

#include "core/http/message_head.h"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>

#include <benchmark/benchmark.h>

#include <charconv>
#include <string>

namespace {

namespace http = boost::beast::http;

http::response<http::string_body> sample()
{
    http::response<http::string_body> res{http::status::ok, 11};
    res.set(http::field::content_type, "application/json");
    res.set("X-Backend", "s2");
    res.set("X-Session", "");
    res.keep_alive(true);
    res.body() = R"({"server":"s2","region":"eu","path":"/search?loc=eu","results":3})";
    res.prepare_payload();
    return res;
}

void BM_BeastSerializer(benchmark::State& state)
{
    const auto res = sample();
    std::string out;
    out.reserve(1024);
    for (auto _ : state) {
        out.clear();
        http::serializer<false, http::string_body> sr{res};
        boost::system::error_code ec;
        while (!sr.is_done()) {
            sr.next(ec, [&](boost::system::error_code&, const auto& buffers) {
                for (auto b : boost::beast::buffers_range_ref(buffers))
                    out.append(static_cast<const char*>(b.data()), b.size());
                sr.consume(boost::asio::buffer_size(buffers));
            });
        }
        benchmark::DoNotOptimize(out.data());
    }
    state.counters["bytes"] = static_cast<double>(out.size());
}

void BM_FlatFormat(benchmark::State& state)
{
    const auto res = sample();
    std::string out;
    out.reserve(1024);
    for (auto _ : state) {
        out.clear();
        out += "HTTP/1.1 200 OK\r\n";
        for (const auto& f : res) {
            out += f.name_string();
            out += ": ";
            out += f.value();
            out += "\r\n";
        }
        out += "\r\n";
        out += res.body();
        benchmark::DoNotOptimize(out.data());
    }
    state.counters["bytes"] = static_cast<double>(out.size());
}

std::string sampleBytes()
{
    const auto res = sample();
    std::string out;
    http::serializer<false, http::string_body> sr{res};
    boost::system::error_code ec;
    while (!sr.is_done())
        sr.next(ec, [&](boost::system::error_code&, const auto& buffers) {
            out += boost::beast::buffers_to_string(buffers);
            sr.consume(boost::asio::buffer_size(buffers));
        });
    return out;
}

void BM_BeastParser(benchmark::State& state)
{
    const std::string bytes = sampleBytes();
    for (auto _ : state) {
        http::response_parser<http::string_body> parser;
        boost::system::error_code ec;
        parser.eager(true);
        parser.put(boost::asio::buffer(bytes), ec);
        benchmark::DoNotOptimize(parser.get().result_int());
    }
}

void BM_MessageHeadParse(benchmark::State& state)
{
    const std::string bytes = sampleBytes();
    const std::string_view head(bytes.data(), bytes.find("\r\n\r\n") + 4);
    lblab::MessageHead parsed;
    parsed.fields.reserve(32);
    for (auto _ : state) {
        parsed.parseResponse(head);
        benchmark::DoNotOptimize(parsed.status);
    }
}

BENCHMARK(BM_BeastSerializer);
BENCHMARK(BM_FlatFormat);
BENCHMARK(BM_BeastParser);
BENCHMARK(BM_MessageHeadParse);

} // namespace

BENCHMARK_MAIN();
