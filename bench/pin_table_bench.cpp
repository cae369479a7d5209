// Session table at 1M entries: insert (at the bound, so every insert evicts), lookup (hit), the
// find + touch a sticky policy does per request, and heap bytes per entry. Bytes are counted two
// ways: what operator new handed out (malloc_usable_size, so rounding counts), and glibc's own
// view (mallinfo2: in-use arena bytes + mmapped bytes, so allocator headers count too).

#include "core/base/peer_text.h"
#include "core/policies/pin_table.h"

#include <benchmark/benchmark.h>

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

namespace {
std::atomic<std::size_t> g_bytes{0};
std::atomic<std::size_t> g_allocations{0};
}

void* operator new(std::size_t n)
{
    if (void* p = std::malloc(n)) {
        g_bytes += malloc_usable_size(p);
        ++g_allocations;
        return p;
    }
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept
{
    if (p)
        g_bytes -= malloc_usable_size(p);
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }

namespace {

constexpr std::size_t kEntries = 1'000'000;

/// The i-th client address: 127.a.b.c, as the lab's clients bind them.
lblab::Ipv4 address(std::size_t i)
{
    return (127u << 24) | static_cast<std::uint32_t>(((1 + (i >> 16) % 250) << 16) | (((i >> 8) & 0xFF) << 8) | (i & 0xFF));
}

std::vector<std::string> keys()
{
    std::vector<std::string> out;
    out.reserve(kEntries);
    for (std::size_t i = 0; i < kEntries; ++i)
        out.emplace_back(lblab::PeerText(address(i)).view());
    return out;
}

std::size_t heapInUse()
{
    const struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
}

/// A full table of `entries` rows (keys address(0..entries-1)), with its heap cost recorded in `state`.
void fill(benchmark::State& state, lblab::PinTable& table, std::size_t entries, lblab::TimePoint now,
          std::size_t bytesBefore, std::size_t heapBefore)
{
    for (std::size_t i = 0; i < entries; ++i)
        table.pin(lblab::PeerText(address(i)).view(), static_cast<int>(i % 100), now);
    state.counters["bytes_per_entry"] = static_cast<double>(g_bytes - bytesBefore) / static_cast<double>(entries);
    state.counters["heap_per_entry"] = static_cast<double>(heapInUse() - heapBefore) / static_cast<double>(entries);
}

void BM_Lookup(benchmark::State& state)
{
    static const auto k = keys();
    const std::size_t bytesBefore = g_bytes;
    const std::size_t heapBefore = heapInUse();
    lblab::PinTable table(300, kEntries);
    const auto now = lblab::Clock::now();
    fill(state, table, kEntries, now, bytesBefore, heapBefore);
    std::size_t i = 0;
    for (auto _ : state) {
        auto* e = table.find(k[(i += 7919) % kEntries], now);
        benchmark::DoNotOptimize(e);
    }
}

/// The key text is made on the stack from the address, as a policy gets it from the request:
/// no 32 MB key array to miss in, so this is the table's own cost. The argument is the row count:
/// small tables stay in cache, a million rows do not.
void BM_LookupKeyFromRequest(benchmark::State& state)
{
    const auto entries = static_cast<std::size_t>(state.range(0));
    lblab::PinTable table(300, entries);
    const auto now = lblab::Clock::now();
    fill(state, table, entries, now, g_bytes, heapInUse());
    std::size_t i = 0;
    const std::size_t allocationsBefore = g_allocations;
    for (auto _ : state) {
        const lblab::PeerText key(address((i += 7919) % entries));
        auto* e = table.find(key.view(), now);
        benchmark::DoNotOptimize(e);
    }
    state.counters["allocs_per_lookup"] =
        static_cast<double>(g_allocations - allocationsBefore) / static_cast<double>(state.iterations());
}

/// 0 .. kEntries-1 in a shuffled order (Fisher-Yates, xorshift64: the same order every run).
std::vector<std::uint32_t> shuffledOrder()
{
    std::vector<std::uint32_t> order(kEntries);
    for (std::uint32_t k = 0; k < kEntries; ++k)
        order[k] = k;
    std::uint64_t x = 88172645463325252ull;
    for (std::size_t k = kEntries - 1; k > 0; --k) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        std::swap(order[k], order[x % (k + 1)]);
    }
    return order;
}

/// As BM_LookupKeyFromRequest/1000000 (`lookup`) and BM_FindTouch/1000000 (`find_touch`: a sticky
/// policy's cost per request of a known client), but the clients come in a shuffled order. In those,
/// consecutive keys' rows are a fixed 7919 rows apart, and this machine's prefetchers follow that
/// pattern and hide most of the row's miss (measured: about half the time of this benchmark). Real
/// clients come in no such order, so this is the figure for a cold lookup among a million rows.
void BM_Shuffled(benchmark::State& state, bool touch)
{
    lblab::PinTable table(300, kEntries);
    const auto now = lblab::Clock::now();
    fill(state, table, kEntries, now, g_bytes, heapInUse());
    const auto order = shuffledOrder();
    std::size_t i = 0;
    for (auto _ : state) {
        const lblab::PeerText key(address(order[i++ % kEntries]));
        auto* e = table.find(key.view(), now);
        if (touch && e)
            table.touch(*e, now);
        benchmark::DoNotOptimize(e);
    }
}

/// What a sticky policy does per request of a known client: find, then touch (hits, LRU front).
void BM_FindTouch(benchmark::State& state)
{
    const auto entries = static_cast<std::size_t>(state.range(0));
    lblab::PinTable table(300, entries);
    auto now = lblab::Clock::now();
    fill(state, table, entries, now, g_bytes, heapInUse());
    std::size_t i = 0;
    const std::size_t allocationsBefore = g_allocations;
    for (auto _ : state) {
        const lblab::PeerText key(address((i += 7919) % entries));
        if (auto* e = table.find(key.view(), now))
            table.touch(*e, now);
    }
    state.counters["allocs_per_request"] =
        static_cast<double>(g_allocations - allocationsBefore) / static_cast<double>(state.iterations());
}

void BM_Insert(benchmark::State& state)
{
    static const auto k = keys();
    lblab::PinTable table(300, kEntries);
    const auto now = lblab::Clock::now();
    std::size_t i = 0;
    // Past the first million the keys repeat: those inserts re-pin the least recently used row.
    for (auto _ : state) {
        auto& e = table.pin(k[i++ % kEntries], 1, now);
        benchmark::DoNotOptimize(&e);
    }
}

/// Inserts into a table already at its 1M bound with keys it does not hold: each one evicts.
void BM_InsertEvicting(benchmark::State& state)
{
    lblab::PinTable table(300, kEntries);
    const auto now = lblab::Clock::now();
    for (std::size_t i = 0; i < kEntries; ++i)
        table.pin(lblab::PeerText(address(kEntries + i)).view(), 1, now);
    std::size_t i = 0;
    for (auto _ : state) {
        // 2M distinct keys: a key comes back only after a million others pushed it out.
        auto& e = table.pin(lblab::PeerText(address(i++ % (2 * kEntries))).view(), 1, now);
        benchmark::DoNotOptimize(&e);
    }
    state.counters["evictions_per_insert"] =
        static_cast<double>(table.evictions()) / static_cast<double>(state.iterations());
}

} // namespace

BENCHMARK(BM_Lookup);
BENCHMARK(BM_LookupKeyFromRequest)->Arg(10'000)->Arg(100'000)->Arg(1'000'000);
BENCHMARK_CAPTURE(BM_Shuffled, lookup, false);
BENCHMARK_CAPTURE(BM_Shuffled, find_touch, true);
BENCHMARK(BM_FindTouch)->Arg(10'000)->Arg(1'000'000);
BENCHMARK(BM_Insert);
BENCHMARK(BM_InsertEvicting);
BENCHMARK_MAIN();
