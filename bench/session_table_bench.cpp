// Session table insert and lookup at 1M entries, and bytes per entry (counted by a global
// allocation counter).

#include "core/policies/session_table.h"

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

namespace {
std::atomic<std::size_t> g_bytes{0};
}

void* operator new(std::size_t n)
{
    g_bytes += n;
    if (void* p = std::malloc(n))
        return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t n) noexcept
{
    g_bytes -= n;
    std::free(p);
}

namespace {

constexpr std::size_t kEntries = 1'000'000;

std::vector<std::string> keys()
{
    std::vector<std::string> out;
    out.reserve(kEntries);
    for (std::size_t i = 0; i < kEntries; ++i)
        out.push_back("127." + std::to_string(1 + (i >> 16) % 250) + '.' + std::to_string((i >> 8) & 0xFF) + '.' +
                      std::to_string(i & 0xFF));
    return out;
}

void BM_Lookup(benchmark::State& state)
{
    static const auto k = keys();
    lblab::SessionTable table(300, kEntries);
    const auto now = lblab::Clock::now();
    const std::size_t before = g_bytes;
    for (std::size_t i = 0; i < kEntries; ++i)
        table.pin(k[i], static_cast<int>(i % 100), now);
    state.counters["bytes_per_entry"] = static_cast<double>(g_bytes - before) / kEntries;
    std::size_t i = 0;
    for (auto _ : state) {
        auto* e = table.find(k[(i += 7919) % kEntries], now);
        benchmark::DoNotOptimize(e);
    }
}

void BM_Insert(benchmark::State& state)
{
    static const auto k = keys();
    lblab::SessionTable table(300, kEntries);
    const auto now = lblab::Clock::now();
    std::size_t i = 0;
    // The table stays full: every insert past the first million evicts the least recently used.
    for (auto _ : state) {
        auto& e = table.pin(k[i++ % kEntries], 1, now);
        benchmark::DoNotOptimize(&e);
    }
}

} // namespace

BENCHMARK(BM_Lookup);
BENCHMARK(BM_Insert);
BENCHMARK_MAIN();
