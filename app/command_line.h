#pragma once

#include "core/config/lab_config.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace lblab {

/// Bad command-line input; the message is the one line printed to the user.
class CommandLineError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// One side of --compare: an engine and a policy ("haproxy:cookie-affinity", or just a policy id for
/// the builtin engine).
struct CompareItem {
    EngineKind engine = EngineKind::Builtin;
    std::optional<SessionStoreKind> sessionStore; ///< named in the item; else the preset's
    std::string policy;
    /// "cookie-affinity" for the builtin engine, else "haproxy:cookie-affinity"; a named store comes
    /// before the policy: "shared:round-robin".
    std::string label() const;
};

/// What the user asked for on the command line (README.md's Command line section, docs/architecture.md).
struct CommandLine {
    /// What to do.
    enum class Mode { Gui, Headless, ListPresets, ListPolicies, Help, Version, SaveScenario, Replay, PrintConfig };
    Mode mode = Mode::Gui;
    LabConfig config;                      ///< the preset after every override
    std::optional<std::string> exportDir;  ///< --export DIR
    std::optional<std::string> replayDir;  ///< --replay DIR: print the summary of an exported run
    bool json = false;                     ///< --json
    std::vector<CompareItem> compareItems;    ///< --compare A,B: the two sides (else empty)
    std::optional<std::string> saveScenario;  ///< --save-scenario FILE: write the config there and exit
    std::optional<double> quitAfter;          ///< --quit-after S: a window run that ends itself after S seconds
    std::optional<std::string> screenshot;    ///< --screenshot FILE.png: the window as it was when the run quit
    bool presetChosen = false;                ///< --preset or --scenario was given (else the window reopens the last one)

    /// Parses argv; throws CommandLineError with a one-line reason on bad input.
    static CommandLine parse(const std::vector<std::string>& args);
    /// The --help text.
    static std::string usage();
};

} // namespace lblab
