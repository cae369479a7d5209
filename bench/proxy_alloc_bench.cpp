// Heap allocations per proxied request in steady state. A counting operator new sees every
// thread; the same client loop is run straight against the backend and through the balancer,
// and the difference is what the balancer (with its capture) allocates per request.

#include "core/backend_server.h"
#include "core/balancer.h"
#include "core/capture.h"
#include "support/test_http_client.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <thread>

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

double allocationsPerRequest(boost::asio::ip::tcp::endpoint target, int requests)
{
    lblab::test::TestHttpClient client(target);
    for (int i = 0; i < 500; ++i) // warm-up: pools, tables, buffers
        client.get("/search?loc=eu");
    const std::uint64_t before = g_allocations;
    for (int i = 0; i < requests; ++i)
        if (!client.get("/search?loc=eu"))
            return -1;
    return static_cast<double>(g_allocations - before) / requests;
}

} // namespace

int main(int argc, char** argv)
{
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
    lblab::ServerSpec spec;
    spec.name = "s1";
    spec.serviceTimeMs = 0;
    spec.model = lblab::ServiceTimeModel::Constant;
    lblab::BackendServer backend(io, spec, 1);
    std::thread thread([&] { io.run(); });
    backend.start(0);

    lblab::Capture::Options co;
    co.memoryEvents = 1'000'000;
    lblab::Capture capture(co);
    capture.begin(lblab::Clock::now());
    lblab::Balancer::Options bo;
    lblab::Balancer balancer(bo, capture);
    balancer.addBackend("s1", "eu", 1, backend.endpoint());
    balancer.start();

    const double direct = allocationsPerRequest(backend.endpoint(), requests);
    const double proxied = allocationsPerRequest(balancer.endpoint(), requests);
    std::printf("requests measured:             %d\n", requests);
    std::printf("allocations/request direct:    %.2f (client + backend)\n", direct);
    std::printf("allocations/request proxied:   %.2f (client + balancer + capture + backend)\n", proxied);
    std::printf("allocations/request balancer:  %.2f\n", proxied - direct);

    balancer.stop();
    backend.stop();
    guard.reset();
    io.stop();
    thread.join();
    return 0;
}
