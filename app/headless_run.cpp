#include "app/headless_run.h"

#include "app/compare_run.h"
#include "app/run_report.h"
#include "core/engines/engine_catalog.h"
#include "core/engines/engine_error.h"
#include "core/store/store_error.h"
#include "core/lab/join_notice.h"
#include "core/lab/lab.h"
#include "core/config/scenario_file.h"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <thread>

namespace lblab {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void onSignal(int) { g_interrupted = 1; }

} // namespace

std::string HeadlessRun::exportDirProblem(const std::filesystem::path& dir)
{
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        return "cannot create export folder " + dir.string() + ": " + ec.message();
    if (!std::filesystem::is_directory(dir))
        return "export path " + dir.string() + " is not a folder";
    const auto probe = dir / ".lblab-write-test";
    {
        std::ofstream out(probe);
        if (!out)
            return "cannot write into export folder " + dir.string();
    }
    std::filesystem::remove(probe, ec);
    return {};
}

int HeadlessRun::saveScenario(const CommandLine& commandLine, std::ostream& out, std::ostream& err)
{
    try {
        ScenarioFile::save(commandLine.config, *commandLine.saveScenario);
    } catch (const ScenarioError& e) {
        err << "lblab: " << e.what() << '\n';
        return 1;
    }
    out << "Saved scenario " << commandLine.config.preset << " to " << *commandLine.saveScenario << '\n';
    return 0;
}

HeadlessRun::HeadlessRun(const CommandLine& commandLine, std::ostream& out, std::ostream& err)
    : m_commandLine(commandLine), m_out(out), m_err(err)
{
}

int HeadlessRun::exec()
{
    if (!m_commandLine.compareItems.empty())
        return CompareRun(m_commandLine, m_out, m_err).exec();
    if (m_commandLine.exportDir) {
        if (auto problem = exportDirProblem(*m_commandLine.exportDir); !problem.empty()) {
            m_err << "lblab: " << problem << '\n';
            return 2;
        }
    }

    // The handlers come first: once the balancer answers or the banner is out, Ctrl+C or a
    // SIGTERM ends the run with its summary and export instead of killing the process.
    struct sigaction action {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    struct sigaction oldInt {}, oldTerm {};
    sigaction(SIGINT, &action, &oldInt);
    sigaction(SIGTERM, &action, &oldTerm);

    Lab lab(m_commandLine.config);
    lab.setPeriodicSnapshots(false); // nobody draws them
    try {
        lab.start();
    } catch (const std::exception& e) {
        sigaction(SIGINT, &oldInt, nullptr);
        sigaction(SIGTERM, &oldTerm, nullptr);
        m_err << "lblab: " << e.what() << '\n';
        return dynamic_cast<const EngineError*>(&e) || dynamic_cast<const StoreError*>(&e) ? 2 : 1;
    }
    if (!m_commandLine.json)
        m_out << "LB Lab: preset " << m_commandLine.config.preset
              << (m_commandLine.config.engine == EngineKind::Builtin
                      ? std::string()
                      : ", engine " + std::string(EngineCatalog::displayName(m_commandLine.config.engine)))
              << ", policy " << m_commandLine.config.policy
              << (m_commandLine.config.sessionStore == SessionStoreKind::Local
                      ? std::string()
                      : ", sessions " + std::string(SessionStoreCatalog::displayName(m_commandLine.config.sessionStore)))
              << ", balancer at " << lab.balancerUrl() << " for " << m_commandLine.config.durationSeconds << " s"
              << std::endl;
    // On stderr, so --json output stays one JSON document.
    const JoinNotice join = JoinNotice::forThisMachine(m_commandLine.config.listenAddress, lab.balancerPort());
    if (join.open)
        m_err << "lblab: " << join.warning << std::endl;

    const double duration = m_commandLine.config.durationSeconds;
    while (!g_interrupted && (duration <= 0 || lab.elapsedSeconds() < duration))
        std::this_thread::sleep_for(std::chrono::milliseconds(20));

    lab.stop();
    sigaction(SIGINT, &oldInt, nullptr);
    sigaction(SIGTERM, &oldTerm, nullptr);

    return reportRun(lab, m_commandLine, g_interrupted != 0, m_out, m_err);
}

} // namespace lblab
