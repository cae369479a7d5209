// Heap allocations per proxied request in steady state. A counting operator new sees every
// thread and attributes each allocation to the thread's role: the client (this thread), the
// backend (its io thread) or the balancer (its io threads, which also run Capture::record). The
// same client loop is run straight against the backend and through the balancer; the balancer
// threads' count is the balancer plus the capture, and Capture::record is then measured alone
// on this thread with an event like the balancer's, so the balancer's own share can be told.

#include "core/backend/backend_server.h"
#include "core/proxy/balancer.h"
#include "core/record/capture.h"
#include "support/test_http_client.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <thread>

namespace {

enum Role { kBalancer = 0, kClient = 1, kBackend = 2, kRoles = 3 };
std::array<std::atomic<std::uint64_t>, kRoles> g_allocations{};
std::array<std::atomic<std::uint64_t>, kRoles> g_asioAllocations{}; // aligned_alloc: Asio's recycling allocator
thread_local Role t_role = kBalancer; // threads the bench did not start are the balancer's

std::uint64_t total()
{
    std::uint64_t n = 0;
    for (const auto& a : g_allocations)
        n += a.load();
    return n;
}

} // namespace

void* operator new(std::size_t n)
{
    g_allocations[t_role].fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n))
        return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

// Asio allocates coroutine frames and operation states with aligned_alloc (through its per-thread
// recycling cache), not operator new: counted apart, so a frame the cache cannot recycle shows.
extern "C" void* aligned_alloc(std::size_t alignment, std::size_t size) noexcept
{
    g_asioAllocations[t_role].fetch_add(1, std::memory_order_relaxed);
    void* p = nullptr;
    return posix_memalign(&p, std::max(alignment, sizeof(void*)), size) == 0 ? p : nullptr;
}

namespace {

struct PerRequest {
    double all = -1;
    double balancer = 0; ///< on the balancer's threads (balancer + Capture::record)
    double asioBalancer = 0; ///< aligned_alloc on the balancer's threads
};

PerRequest allocationsPerRequest(boost::asio::ip::tcp::endpoint target, int requests)
{
    lblab::test::TestHttpClient client(target);
    for (int i = 0; i < 500; ++i) // warm-up: pools, tables, buffers
        client.get("/search?loc=eu");
    const std::uint64_t before = total();
    const std::uint64_t balancerBefore = g_allocations[kBalancer];
    const std::uint64_t asioBefore = g_asioAllocations[kBalancer];
    for (int i = 0; i < requests; ++i)
        if (!client.get("/search?loc=eu"))
            return {};
    return {static_cast<double>(total() - before) / requests,
            static_cast<double>(g_allocations[kBalancer] - balancerBefore) / requests,
            static_cast<double>(g_asioAllocations[kBalancer] - asioBefore) / requests};
}

/// Capture::record alone, with an event shaped like the one the balancer records for the loop.
double captureAllocationsPerRecord(lblab::Capture& capture, int records)
{
    lblab::RequestEvent event;
    event.clientId = "ext-127.0.0.1";
    event.clientIp = 0x7F000001;
    event.method = "GET";
    event.path = "/search?loc=eu";
    event.policy = "round-robin";
    event.decision = lblab::DecisionKind::RoundRobin;
    event.backend = 0;
    event.backendName = "s1";
    event.status = 200;
    const std::uint64_t before = g_allocations[kClient];
    for (int i = 0; i < records; ++i) {
        event.tUs = capture.sinceStartUs(lblab::Clock::now());
        capture.record(event);
    }
    return static_cast<double>(g_allocations[kClient] - before) / records;
}

} // namespace

int main(int argc, char** argv)
{
    t_role = kClient;
    // proxy_alloc_bench [REQUESTS]; --benchmark_min_time=T (as smoke.sh passes to every benchmark)
    // scales the count down so the CI smoke takes well under a second.
    int requests = 5000;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.rfind("--benchmark_min_time=", 0) == 0)
            requests = std::clamp(static_cast<int>(std::atof(arg.c_str() + 21) * 20000), 100, 100000);
        else if (std::atoi(arg.c_str()) > 0)
            requests = std::atoi(arg.c_str());
    }
    boost::asio::io_context io;
    auto guard = boost::asio::make_work_guard(io);
    lblab::BackendSpec spec;
    spec.name = "s1";
    spec.serviceTimeMs = 0;
    spec.model = lblab::ServiceTimeModel::Constant;
    lblab::BackendServer backend(io, spec, 1);
    std::thread thread([&] {
        t_role = kBackend;
        io.run();
    });
    backend.start(0);

    lblab::Capture::Options co;
    co.memoryEvents = 1'000'000;
    lblab::Capture capture(co);
    capture.begin(lblab::Clock::now());
    lblab::Balancer::Options bo;
    lblab::Balancer balancer(bo, capture);
    balancer.addBackend("s1", "eu", 1, backend.endpoint());
    balancer.start();

    const PerRequest direct = allocationsPerRequest(backend.endpoint(), requests);
    const PerRequest proxied = allocationsPerRequest(balancer.endpoint(), requests);
    const double record = captureAllocationsPerRecord(capture, requests);
    std::printf("requests measured:             %d\n", requests);
    std::printf("allocations/request direct:    %.2f (client + backend)\n", direct.all);
    std::printf("allocations/request proxied:   %.2f (client + balancer + capture + backend)\n", proxied.all);
    std::printf("allocations/request balancer:  %.2f (proxied - direct)\n", proxied.all - direct.all);
    std::printf("  on the balancer's threads:   %.2f (balancer + Capture::record)\n", proxied.balancer);
    std::printf("  Capture::record alone:       %.2f\n", record);
    std::printf("  balancer alone:              %.2f (threads - record)\n", proxied.balancer - record);
    std::printf("aligned_alloc/request on the balancer's threads: %.2f (Asio frames/ops its cache missed)\n",
                proxied.asioBalancer);

    balancer.stop();
    backend.stop();
    guard.reset();
    io.stop();
    thread.join();
    return 0;
}
