#include "app/run_report.h"

#include "core/lab/lab.h"

#include <ostream>

namespace lblab {

int reportRun(const Lab& lab, const CommandLine& commandLine, bool interrupted, std::ostream& out, std::ostream& err)
{
    const RunSummary summary = lab.summary();
    if (commandLine.json)
        out << summary.toJson() << std::endl;
    else {
        if (interrupted)
            out << "Interrupted after " << lab.elapsedSeconds() << " s.\n";
        out << summary.toTable() << std::flush;
    }
    if (commandLine.exportDir) {
        try {
            lab.exportRun(*commandLine.exportDir);
            if (!commandLine.json)
                out << "Exported events.csv, servers.csv, changes.csv and run.json to " << *commandLine.exportDir << '\n';
        } catch (const std::exception& e) {
            err << "lblab: export failed: " << e.what() << '\n';
            return 1;
        }
    }
    return 0;
}

} // namespace lblab
