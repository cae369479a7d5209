// Decision cost of every policy with 100 backends, consistent-hash build and lookup cost, and heap
// allocations per decision (counted by a global operator new).

#include "core/policies/policy_catalog.h"

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

namespace {
std::atomic<std::uint64_t> g_allocations{0};
}

void* operator new(std::size_t n)
{
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n))
        return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

std::vector<lblab::BackendInfo> backends(int n, int minActive = 0)
{
    std::vector<lblab::BackendInfo> out(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        out[i].name = "s" + std::to_string(i + 1);
        out[i].region = i % 3 == 0 ? "eu" : i % 3 == 1 ? "us" : "asia";
        out[i].weight = 1 + i % 5;
        out[i].active = minActive + i % 7;
    }
    return out;
}

struct Variant {
    std::string id;
    lblab::PolicyOptions options;
    int minActive = 0; ///< 1: no backend idle (least-connections must scan them all)
};

void BM_Choose(benchmark::State& state, const Variant& variant)
{
    const auto set = backends(100, variant.minActive);
    auto policy = lblab::PolicyCatalog::make(variant.id, variant.options);
    policy->backendsChanged(set);
    // A realistic population of 10,000 clients, cycled.
    std::vector<std::string> cookies;
    std::vector<std::string> targets;
    for (int i = 0; i < 10000; ++i) {
        targets.push_back("/account?sid=s" + std::to_string(i % 100 + 1) + "-" + std::to_string(i));
        cookies.push_back("SESSIONID=s" + std::to_string(i % 100 + 1) + "-" + std::to_string(i));
    }
    lblab::RequestView view;
    view.method = "GET";
    view.regionHeader = "eu";
    view.now = lblab::Clock::now();
    std::size_t i = 0;
    // Warm the tables of stateful policies so the loop measures steady-state lookups.
    for (std::size_t k = 0; k < targets.size(); ++k) {
        view.peer = 0x7F010000u + static_cast<std::uint32_t>(k);
        view.target = targets[k];
        view.cookieHeader = cookies[k];
        auto d = policy->choose(view, set);
        // A view of the stored string: substr() here made a temporary that died before
        // observeResponse() read it (found by the bench smoke under ASan).
        const std::string_view setCookie[] = {cookies[k]};
        lblab::ResponseView rv{d.backend, 200, setCookie};
        policy->observeResponse(view, d, rv);
    }
    // One Decision reused across requests, as the balancer keeps one per connection.
    lblab::Decision d;
    const std::uint64_t allocationsBefore = g_allocations.load();
    for (auto _ : state) {
        const std::size_t k = i++ % targets.size();
        view.peer = 0x7F010000u + static_cast<std::uint32_t>(k);
        view.target = targets[k];
        view.cookieHeader = cookies[k];
        policy->decide(view, set, d);
        benchmark::DoNotOptimize(d.backend);
    }
    state.counters["allocs_per_decision"] =
        static_cast<double>(g_allocations.load() - allocationsBefore) / static_cast<double>(state.iterations());
}

void BM_ConsistentHashBuild(benchmark::State& state)
{
    const auto set = backends(static_cast<int>(state.range(0)));
    lblab::PolicyOptions options;
    for (auto _ : state) {
        auto policy = lblab::PolicyCatalog::make("consistent-hash", options);
        policy->backendsChanged(set);
        benchmark::DoNotOptimize(policy.get());
    }
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<Variant> variants;
    for (const auto& p : lblab::PolicyCatalog::all())
        variants.push_back({p.id, {}, 0});
    // Variants the defaults do not reach: no idle server, and consistent-hash's other modes.
    variants.push_back({"least-connections", {}, 1});
    Variant bounded{"consistent-hash", {}, 0};
    bounded.options.boundedLoad = 1.25;
    variants.push_back(bounded);
    Variant byUrl{"consistent-hash", {}, 0};
    byUrl.options.hashKey = "url";
    variants.push_back(byUrl);
    for (const auto& v : variants) {
        std::string name = "choose/" + v.id;
        if (v.minActive > 0)
            name += "/all-busy";
        if (v.options.boundedLoad > 1)
            name += "/bounded-load-1.25";
        if (v.options.hashKey != "source-ip")
            name += "/key-" + v.options.hashKey;
        benchmark::RegisterBenchmark(name.c_str(), BM_Choose, v);
    }
    benchmark::RegisterBenchmark("consistent-hash-build", BM_ConsistentHashBuild)->Arg(10)->Arg(100);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
