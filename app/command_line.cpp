#include "app/command_line.h"

#include "core/engines/engine_catalog.h"
#include "core/policies/policy_catalog.h"
#include "core/config/preset_catalog.h"
#include "core/config/scenario_file.h"
#include "core/config/session_store_choice.h"
#include "core/config/user_count.h"

#include <cctype>
#include <charconv>
#include <filesystem>
#include <cmath>
#include <limits>

namespace lblab {

namespace {

double parseNumber(const std::string& option, const std::string& text, double min, double max)
{
    double value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end || !std::isfinite(value))
        throw CommandLineError(option + " needs a number, got '" + text + "'");
    if (value < min || value > max)
        throw CommandLineError(option + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
                               ", got " + text);
    return value;
}

std::uint64_t parseUnsigned(const std::string& option, const std::string& text)
{
    std::uint64_t value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end)
        throw CommandLineError(option + " needs a whole number, got '" + text + "'");
    return value;
}

EngineKind parseEngineName(const std::string& id, const std::string& where)
{
    if (const auto kind = EngineCatalog::parse(id))
        return *kind;
    throw CommandLineError("unknown engine '" + id + "'" + where + "; must be builtin, haproxy or nginx");
}

/// Refuses a policy the engine does not have, in the engine's own words.
void requireSupported(EngineKind engine, const std::string& policy)
{
    if (const EngineSupport support = EngineCatalog::support(engine, policy); !support.supported)
        throw CommandLineError(std::string(EngineCatalog::displayName(engine)) + " cannot run policy '" + policy +
                               "': " + support.reason + " (see --engine)");
}

SessionStoreKind parseSessionStoreName(const std::string& id, const std::string& where)
{
    if (const auto kind = SessionStoreCatalog::parse(id))
        return *kind;
    throw CommandLineError("unknown session store '" + id + "'" + where + "; must be local, shared or client");
}

/// [ENGINE:][STORE:]POLICY, e.g. "cookie-affinity", "haproxy:cookie-affinity", "shared:round-robin".
CompareItem parseCompareItem(const std::string& text)
{
    CompareItem item;
    std::string rest = text;
    bool engineNamed = false;
    for (auto colon = rest.find(':'); colon != std::string::npos; colon = rest.find(':')) {
        const std::string word = rest.substr(0, colon);
        if (!engineNamed && !item.sessionStore && EngineCatalog::parse(word)) {
            item.engine = *EngineCatalog::parse(word);
            engineNamed = true;
        } else if (!item.sessionStore && SessionStoreCatalog::parse(word)) {
            item.sessionStore = SessionStoreCatalog::parse(word);
        } else if (!engineNamed && !item.sessionStore) {
            throw CommandLineError("unknown engine or session store '" + word + "' in --compare; an item is "
                                   "[ENGINE:][STORE:]POLICY with ENGINE builtin, haproxy or nginx and STORE local, "
                                   "shared or client");
        } else {
            throw CommandLineError("'" + text + "' in --compare: expected [ENGINE:][STORE:]POLICY");
        }
        rest = rest.substr(colon + 1);
    }
    item.policy = rest;
    if (!PolicyCatalog::find(item.policy))
        throw CommandLineError("unknown policy '" + item.policy + "' in --compare (see --list-policies)");
    requireSupported(item.engine, item.policy);
    return item;
}

} // namespace

std::string CompareItem::label() const
{
    std::string label = engine == EngineKind::Builtin ? std::string() : std::string(EngineCatalog::id(engine)) + ":";
    if (sessionStore)
        label += std::string(SessionStoreCatalog::id(*sessionStore)) + ":";
    return label + policy;
}

CommandLine CommandLine::parse(const std::vector<std::string>& args)
{
    CommandLine cl;
    std::optional<std::string> preset, scenario, compare, policy, listen, engine, sessionStore;
    std::optional<double> duration, rate;
    std::optional<std::uint64_t> seed;
    std::optional<int> clients, ioThreads;
    std::vector<std::string> backends;

    std::vector<std::string> runOptions; // options that start or shape a run (--replay takes none)
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg != "--json" && arg != "--replay" && arg.rfind("--", 0) == 0)
            runOptions.push_back(arg);
        auto value = [&]() -> std::string {
            if (i + 1 >= args.size() || args[i + 1].rfind("--", 0) == 0)
                throw CommandLineError(arg + " needs a value");
            return args[++i];
        };
        if (arg == "--headless")
            cl.mode = Mode::Headless;
        else if (arg == "--list-presets")
            cl.mode = Mode::ListPresets;
        else if (arg == "--list-policies")
            cl.mode = Mode::ListPolicies;
        else if (arg == "--help" || arg == "-h")
            cl.mode = Mode::Help;
        else if (arg == "--version")
            cl.mode = Mode::Version;
        else if (arg == "--json")
            cl.json = true;
        else if (arg == "--preset")
            preset = value();
        else if (arg == "--scenario")
            scenario = value();
        else if (arg == "--quit-after")
            cl.quitAfter = parseNumber(arg, value(), 0.1, 7 * 24 * 3600);
        else if (arg == "--screenshot")
            cl.screenshot = value();
        else if (arg == "--compare")
            compare = value();
        else if (arg == "--save-scenario")
            cl.saveScenario = value();
        else if (arg == "--policy")
            policy = value();
        else if (arg == "--engine")
            engine = value();
        else if (arg == "--session-store")
            sessionStore = value();
        else if (arg == "--print-config")
            cl.mode = Mode::PrintConfig;
        else if (arg == "--duration")
            duration = parseNumber(arg, value(), 0.1, 7 * 24 * 3600);
        else if (arg == "--rate")
            rate = parseNumber(arg, value(), 0, 1e6);
        else if (arg == "--seed")
            seed = parseUnsigned(arg, value());
        else if (arg == "--clients")
            clients = static_cast<int>(parseNumber(arg, value(), 0, kMaxUsers));
        else if (arg == "--io-threads")
            ioThreads = static_cast<int>(parseNumber(arg, value(), 1, 64));
        else if (arg == "--listen")
            listen = value();
        else if (arg == "--export")
            cl.exportDir = value();
        else if (arg == "--replay")
            cl.replayDir = value();
        else if (arg == "--backend")
            backends.push_back(value());
        else
            throw CommandLineError("unknown option '" + arg + "' (see --help)");
    }

    if (cl.replayDir) {
        if (!runOptions.empty())
            throw CommandLineError("--replay DIR goes only with --json, not with " + runOptions.front());
        cl.mode = Mode::Replay;
        return cl;
    }
    if (preset && scenario)
        throw CommandLineError("--preset and --scenario cannot be used together");
    if (scenario) {
        try {
            cl.config = ScenarioFile::load(*scenario);
        } catch (const ScenarioError& e) {
            throw CommandLineError(e.what());
        }
    } else {
        const LabConfig* base = PresetCatalog::find(preset.value_or(PresetCatalog::defaultPreset().preset));
        if (!base)
            throw CommandLineError("unknown preset '" + *preset + "' (see --list-presets)");
        cl.config = *base;
    }
    if (policy) {
        if (!PolicyCatalog::find(*policy))
            throw CommandLineError("unknown policy '" + *policy + "' (see --list-policies)");
        cl.config.policy = *policy;
    }
    if (engine)
        cl.config.engine = parseEngineName(*engine, "");
    if (sessionStore)
        chooseSessionStore(cl.config, parseSessionStoreName(*sessionStore, ""));
    if (duration)
        cl.config.durationSeconds = *duration;
    if (rate)
        cl.config.requestRate = *rate;
    if (seed) {
        cl.config.seed = *seed;
        cl.config.policyOptions.seed = *seed;
    }
    if (clients)
        scaleUsers(cl.config, *clients);
    if (ioThreads)
        cl.config.ioThreads = *ioThreads;
    if (listen) {
        const auto colon = listen->rfind(':');
        if (colon == std::string::npos || colon == 0)
            throw CommandLineError("--listen needs ADDRESS:PORT, e.g. 127.0.0.1:8080, got '" + *listen + "'");
        const std::string address = listen->substr(0, colon);
        if (!parseIpv4(address))
            throw CommandLineError("--listen needs an IPv4 address, got '" + address + "'");
        cl.config.listenAddress = address;
        cl.config.listenPort = static_cast<std::uint16_t>(parseNumber("--listen port", listen->substr(colon + 1), 0, 65535));
    }
    if (!backends.empty()) {
        if (backends.size() > 64)
            throw CommandLineError("--backend can be given at most 64 times");
        // Outside servers replace the preset's: named s1..sN, otherwise like the preset's first server.
        const BackendSpec base = cl.config.servers.empty() ? BackendSpec{} : cl.config.servers.front();
        std::vector<BackendSpec> servers;
        for (const auto& text : backends) {
            const auto colon = text.rfind(':');
            if (colon == std::string::npos || colon == 0)
                throw CommandLineError("--backend needs ADDRESS:PORT, e.g. 127.0.0.1:8081, got '" + text + "'");
            const std::string address = text.substr(0, colon);
            if (!parseIpv4(address))
                throw CommandLineError("--backend needs an IPv4 address, got '" + address + "'");
            const auto port = parseNumber("--backend port", text.substr(colon + 1), 1, 65535);
            if (port != std::floor(port))
                throw CommandLineError("--backend port must be a whole number, got '" + text.substr(colon + 1) + "'");
            BackendSpec spec = base;
            spec.name = 's';
            spec.name += std::to_string(servers.size() + 1); // not "s" + ...: GCC 12 warns falsely (-Wrestrict)
            spec.externalAddress = address + ':' + std::to_string(static_cast<int>(port));
            servers.push_back(std::move(spec));
        }
        cl.config.servers = std::move(servers);
        // Timeline steps name the preset's own servers; they make no sense for outside ones.
        cl.config.timeline.clear();
    }
    if (compare) {
        const auto comma = compare->find(',');
        if (comma == std::string::npos || compare->find(',', comma + 1) != std::string::npos)
            throw CommandLineError("--compare needs two policies, e.g. round-robin,cookie-affinity or "
                                   "builtin:cookie-affinity,haproxy:cookie-affinity, got '" + *compare + "'");
        cl.compareItems = {parseCompareItem(compare->substr(0, comma)), parseCompareItem(compare->substr(comma + 1))};
        if (cl.compareItems[0].label() == cl.compareItems[1].label())
            throw CommandLineError("--compare needs two different sides, got '" + *compare + "'");
        if (engine)
            throw CommandLineError("--engine and --compare cannot be used together: name each side's engine, "
                                   "e.g. builtin:cookie-affinity,haproxy:cookie-affinity");
        if (policy)
            throw CommandLineError("--policy and --compare cannot be used together");
        if (cl.config.listenPort != 0)
            throw CommandLineError("--compare runs two balancers, so --listen cannot fix one port");
        if (cl.mode != Mode::Headless && !cl.saveScenario)
            throw CommandLineError("--compare goes with --headless");
    }
    if (!compare) {
        requireSupported(cl.config.engine, cl.config.policy);
        for (const TimelineStep& step : cl.config.timeline)
            if (step.action == TimelineStep::Action::SwitchPolicy)
                requireSupported(cl.config.engine, step.target);
    }
    cl.presetChosen = preset || scenario;
    if ((cl.quitAfter || cl.screenshot) && cl.mode != Mode::Gui)
        throw CommandLineError(std::string(cl.quitAfter ? "--quit-after" : "--screenshot") +
                               " goes with the window (leave out --headless)");
    if (cl.screenshot) {
        const std::filesystem::path shot(*cl.screenshot);
        std::string extension = shot.extension().string();
        for (char& c : extension)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (extension != ".png")
            throw CommandLineError("--screenshot needs a .png file name, got '" + *cl.screenshot + "'");
        const std::filesystem::path folder = shot.parent_path().empty() ? std::filesystem::path(".") : shot.parent_path();
        std::error_code ec;
        if (!std::filesystem::is_directory(folder, ec))
            throw CommandLineError("--screenshot: folder " + folder.string() + " does not exist");
    }
    if ((cl.json || cl.exportDir) && cl.mode == Mode::Gui && !cl.saveScenario && !cl.quitAfter)
        throw CommandLineError("--json and --export go with --headless or with --quit-after");
    if (cl.saveScenario && (cl.mode == Mode::Gui || cl.mode == Mode::Headless))
        cl.mode = Mode::SaveScenario;
    return cl;
}

std::string CommandLine::usage()
{
    return R"(Usage: lblab [OPTIONS]

LB Lab: watch a real load balancer place real clients on real servers.

  (no options)              open the window with the default preset
  --preset NAME             start with another preset (see --list-presets)
  --scenario FILE.json      start with a scenario file (docs/scenario-format.md)
  --headless                run without a window, print a summary, exit
  --policy ID               balancing policy (see --list-policies)
  --engine NAME             who balances: builtin (the lab's own proxy, default), haproxy or nginx
                            (the real programs, started by the lab with a generated configuration)
  --session-store NAME      where the servers keep sessions: local (each server its own, default),
                            shared (one Redis the lab starts) or client (an HMAC-signed cookie)
  --print-config            print the configuration the engine would run for this preset or
                            scenario and policy (HAProxy's or NGINX's file) and exit
  --duration S              headless run length in seconds (default: the preset's)
  --seed N                  seed of the workload (same seed, same workload)
  --rate R                  total requests per second of the generated users
  --clients N               number of generated users (groups keep their proportions; 0 = none)
  --listen ADDR:PORT        fixed balancer address (default 127.0.0.1 and a free port); 0.0.0.0:PORT
                            lets other devices join (a warning names the address they use)
  --io-threads N            balancer threads (default 1)
  --backend ADDR:PORT       balance to a server the lab did not start (repeatable; they replace the
                            preset's servers and are named s1..sN); with --clients 0 only outside
                            clients (e.g. wrk, curl at the balancer's address) drive it
  --export DIR              headless (or --quit-after): write events.csv, servers.csv, changes.csv
                            and run.json to DIR
  --json                    headless (or --quit-after, --replay): print the summary as JSON
  --replay DIR              print the summary of a run exported to DIR, counted again from its
                            files: the same table (or, with --json, the same JSON) the run printed
  --compare A,B             headless: run the same seeded workload under policies A and B at
                            once (two labs) and print their outcomes side by side; a side may
                            name its engine: builtin:cookie-affinity,haproxy:cookie-affinity
  --save-scenario FILE      write the configuration (after the options above) as a scenario
                            file and exit
  --quit-after S            window: end the run by itself after S seconds and close; with --json
                            it prints the same summary a headless run prints, with --export it
                            writes the files (for slides and handouts)
  --screenshot FILE.png     window: save a picture of the window when the run quits
  --list-presets            list the presets and what each shows
  --list-policies           list the policies and what each decides from
  --version                 print the version
  -h, --help                print this help

Exit status: 0 on success, 2 on bad input (a --replay folder that is not a readable run too, and
an engine that is not installed or refuses its configuration), 1 when the run or the export failed.
)";
}

} // namespace lblab
