#include "app/command_line.h"
#include "app/headless_run.h"
#include "app/print_config.h"
#include "app/replay_run.h"
#include "core/policies/policy_catalog.h"
#include "core/config/preset_catalog.h"

#include <iomanip>
#include <iostream>
#include <string_view>

#ifdef LBLAB_WITH_UI
#include "app/gui_run.h"
#endif

namespace {

void listPresets()
{
    for (const auto& p : lblab::PresetCatalog::all()) {
        std::cout << std::left << std::setw(22) << p.preset << p.title << "  [" << p.policy << "]\n"
                  << std::setw(22) << "" << p.whatItShows << "\n";
    }
}

void listPolicies()
{
    for (const auto& p : lblab::PolicyCatalog::all())
        std::cout << std::left << std::setw(22) << p.id << std::setw(11) << (p.stateful ? "stateful" : "stateless")
                  << p.summary << '\n';
}

} // namespace

int main(int argc, char** argv)
{
    using lblab::CommandLine;
    CommandLine commandLine;
    try {
        commandLine = CommandLine::parse(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const lblab::CommandLineError& e) {
        std::cerr << "lblab: " << e.what() << '\n';
        return 2;
    }
    switch (commandLine.mode) {
    case CommandLine::Mode::Help:
        std::cout << CommandLine::usage();
        return 0;
    case CommandLine::Mode::Version:
        std::cout << "lblab " << LBLAB_VERSION << '\n';
        return 0;
    case CommandLine::Mode::ListPresets:
        listPresets();
        return 0;
    case CommandLine::Mode::ListPolicies:
        listPolicies();
        return 0;
    case CommandLine::Mode::SaveScenario:
        return lblab::HeadlessRun::saveScenario(commandLine, std::cout, std::cerr);
    case CommandLine::Mode::PrintConfig:
        return lblab::printConfig(commandLine, std::cout, std::cerr);
    case CommandLine::Mode::Replay:
        return lblab::replayRun(commandLine, std::cout, std::cerr);
    case CommandLine::Mode::Headless:
        return lblab::HeadlessRun(commandLine, std::cout, std::cerr).exec();
    case CommandLine::Mode::Gui:
#ifdef LBLAB_WITH_UI
        return lblab::runGui(argc, argv, commandLine);
#else
        std::cerr << "lblab: built without the window; use --headless\n";
        return 2;
#endif
    }
    return 0;
}
