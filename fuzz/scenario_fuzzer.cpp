// libFuzzer target: arbitrary bytes through the scenario loader (the text of a file a user opens
// with File > Open scenario or --scenario). A broken file must end in a ScenarioError that names
// the problem, never in a crash, a hang or another exception; a file that loads must save and load
// back to the same scenario. Build and run: scripts/fuzz.sh.

#include "core/config/scenario_file.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    lblab::LabConfig config;
    try {
        config = lblab::ScenarioFile::parse(text, "fuzz.json", "fuzz");
    } catch (const lblab::ScenarioError& e) {
        // Every refusal names the file, so a user can tell which one is broken.
        if (std::string_view(e.what()).find("fuzz.json") == std::string_view::npos) {
            std::fprintf(stderr, "scenario error without the file name: %s\n", e.what());
            std::abort();
        }
        return 0;
    }
    // Accepted: what Save scenario writes must reopen as the same scenario.
    const std::string saved = lblab::ScenarioFile::toJson(config);
    lblab::LabConfig again;
    try {
        again = lblab::ScenarioFile::parse(saved, "saved.json", "fuzz");
    } catch (const lblab::ScenarioError& e) {
        std::fprintf(stderr, "a saved scenario does not load: %s\n%s\n", e.what(), saved.c_str());
        std::abort();
    }
    if (lblab::ScenarioFile::toJson(again) != saved) {
        std::fprintf(stderr, "save/load/save is not stable:\n%s\n", saved.c_str());
        std::abort();
    }
    return 0;
}
