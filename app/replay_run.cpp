#include "app/replay_run.h"

#include "core/record/run_replay.h"

#include <algorithm>
#include <ostream>
#include <stdexcept>

namespace lblab {

int replayRun(const CommandLine& commandLine, std::ostream& out, std::ostream& err)
{
    const std::string& dir = *commandLine.replayDir;
    RunSummary summary;
    try {
        summary = RunReplay::load(dir).summary();
    } catch (const std::exception& e) {
        std::string problem = e.what();
        std::replace(problem.begin(), problem.end(), '\n', ' '); // one line, whatever a parser said
        // Folder problems name the folder already; file problems name the file in it.
        if (problem.rfind(dir, 0) == 0)
            err << "lblab: cannot replay " << problem << '\n';
        else
            err << "lblab: cannot replay " << dir << ": " << problem << '\n';
        return 2;
    }
    if (commandLine.json)
        out << summary.toJson() << std::endl;
    else
        out << summary.toTable() << std::flush;
    return 0;
}

} // namespace lblab
