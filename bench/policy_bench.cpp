// Decision cost of every policy with 100 backends, and consistent-hash build cost.

#include "core/policies/policy_catalog.h"

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

namespace {

std::vector<lblab::BackendInfo> backends(int n)
{
    std::vector<lblab::BackendInfo> out(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        out[i].name = "s" + std::to_string(i + 1);
        out[i].region = i % 3 == 0 ? "eu" : i % 3 == 1 ? "us" : "asia";
        out[i].weight = 1 + i % 5;
        out[i].active = i % 7;
    }
    return out;
}

void BM_Choose(benchmark::State& state, const std::string& id)
{
    const auto set = backends(100);
    lblab::PolicyOptions options;
    auto policy = lblab::PolicyCatalog::make(id, options);
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
        const std::string_view setCookie[] = {cookies[k].substr(0)};
        lblab::ResponseView rv{d.backend, 200, setCookie};
        policy->observeResponse(view, d, rv);
    }
    for (auto _ : state) {
        const std::size_t k = i++ % targets.size();
        view.peer = 0x7F010000u + static_cast<std::uint32_t>(k);
        view.target = targets[k];
        view.cookieHeader = cookies[k];
        auto d = policy->choose(view, set);
        benchmark::DoNotOptimize(d.backend);
    }
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
    for (const auto& p : lblab::PolicyCatalog::all())
        benchmark::RegisterBenchmark(("choose/" + p.id).c_str(), BM_Choose, p.id);
    benchmark::RegisterBenchmark("consistent-hash-build", BM_ConsistentHashBuild)->Arg(10)->Arg(100);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
