// What one frame of the assignment map costs: a full paint of N clients (one tile each up to what
// fits at 11 px, then grouped tiles) with pins on every client and a sprinkle of misses, address
// changes and moves, into an offscreen image the size of the map in a 1600x1000 window.
//
//   QT_QPA_PLATFORM=offscreen map_paint_bench [--benchmark_min_time=0.5]

#include "ui/assignment_map.h"

#include <benchmark/benchmark.h>

#include <QApplication>
#include <QImage>

#include <cstdlib>
#include <string>

namespace {

lblab::Snapshot fleet(int clients, int servers)
{
    lblab::Snapshot s;
    s.tUs = 10'000'000;
    for (int b = 0; b < servers; ++b) {
        lblab::BackendView v;
        v.name = "s" + std::to_string(b + 1);
        s.servers.push_back(v);
    }
    for (int i = 0; i < clients; ++i) {
        lblab::ClientView c;
        c.id = "c" + std::to_string(i);
        c.group = "users";
        c.ip = lblab::loopbackAddress(3, static_cast<std::uint32_t>(i));
        c.backend = i % servers;
        c.lastUs = 9'000'000;
        c.pinned = true;
        if (i % 37 == 0)
            c.missUs = s.tUs - 500'000;
        if (i % 53 == 0)
            c.ipChangedUs = s.tUs - 300'000;
        if (i % 41 == 0) {
            c.movedUs = s.tUs - 1'000'000;
            c.movedFrom = (i + 1) % servers;
        }
        s.clients.push_back(c);
    }
    return s;
}

void BM_MapPaint(benchmark::State& state)
{
    lblab::ui::AssignmentMap map;
    map.resize(1000, 600);
    map.showSnapshot(fleet(static_cast<int>(state.range(0)), 5));
    QImage image(map.size(), QImage::Format_ARGB32_Premultiplied);
    for (auto _ : state) {
        map.render(&image);
        benchmark::DoNotOptimize(image.constBits());
    }
    state.counters["clients_per_tile"] = map.clientsPerTile();
}
BENCHMARK(BM_MapPaint)->Arg(50)->Arg(2000)->Arg(9000)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char** argv)
{
    ::setenv("QT_QPA_PLATFORM", "offscreen", 0);
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
