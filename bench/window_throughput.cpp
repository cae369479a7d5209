// The whole lab with its window open (offscreen) against the same lab headless: requests per
// second each sustains at one offered rate, and the ratio. The window redraws on its own frame
// timer from snapshots, so the ratio shows what the GUI costs the lab on this machine.
//
//   window_throughput [--preset P] [--rate R] [--clients N] [--seconds S]
// Prints one line per mode and "window/headless". Loopback only; every run stops by itself.

#include "core/lab/lab.h"
#include "core/config/preset_catalog.h"
#include "ui/lab_bridge.h"
#include "ui/main_window.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

namespace {

struct Figures {
    std::uint64_t requests = 0;
    double seconds = 0;
    double rate() const { return seconds > 0 ? static_cast<double>(requests) / seconds : 0; }
};

Figures headless(const lblab::LabConfig& config, double seconds)
{
    lblab::Lab lab(config);
    lab.start();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    lab.stop();
    return {lab.snapshot()->totals.requests, lab.elapsedSeconds()};
}

Figures windowOpen(const lblab::LabConfig& config, double seconds)
{
    lblab::ui::MainWindow window(config);
    window.resize(1600, 1000);
    window.show();
    QElapsedTimer clock;
    clock.start();
    QTimer::singleShot(static_cast<int>(seconds * 1000), qApp, &QCoreApplication::quit);
    QApplication::exec();
    const auto snapshot = window.bridge()->latest();
    return {snapshot ? snapshot->totals.requests : 0, static_cast<double>(clock.elapsed()) / 1000.0};
}

} // namespace

int main(int argc, char** argv)
{
    if (!std::getenv("QT_QPA_PLATFORM"))
        setenv("QT_QPA_PLATFORM", "offscreen", 1);
    std::string preset = "round-robin-basics";
    double rate = 5000;
    int clients = 200;
    double seconds = 10;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string arg = argv[i];
        if (arg == "--preset")
            preset = argv[i + 1];
        else if (arg == "--rate")
            rate = std::atof(argv[i + 1]);
        else if (arg == "--clients")
            clients = std::atoi(argv[i + 1]);
        else if (arg == "--seconds")
            seconds = std::atof(argv[i + 1]);
    }
    const lblab::LabConfig* found = lblab::PresetCatalog::find(preset);
    if (!found) {
        std::fprintf(stderr, "window_throughput: no preset '%s'\n", preset.c_str());
        return 2;
    }
    lblab::LabConfig config = *found;
    config.requestRate = rate;
    config.timeline.clear(); // the same steady workload in both modes
    if (!config.clients.empty() && clients > 0) {
        config.clients.resize(1);
        config.clients[0].count = clients;
    }

    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName("lblab-bench"); // its own settings, not the user's
    const Figures h = headless(config, seconds);
    const Figures w = windowOpen(config, seconds);
    std::printf("preset %s, offered %.0f req/s, %d users, %.0f s per mode\n", preset.c_str(), rate, clients, seconds);
    std::printf("headless:    %10.0f req/s (%llu requests)\n", h.rate(), static_cast<unsigned long long>(h.requests));
    std::printf("window open: %10.0f req/s (%llu requests)\n", w.rate(), static_cast<unsigned long long>(w.requests));
    std::printf("window/headless: %.3f\n", h.rate() > 0 ? w.rate() / h.rate() : 0.0);
    return h.requests > 0 && w.requests > 0 ? 0 : 1;
}
